"""Demo help (``manage.py seed_demo``), safe to run again.

Articles for the main pages (dashboard, campaigns, funding requests, the
approvals inbox, materials), each linked to its page and written in English
and Russian; and questions in each
state: one answered by Brand's champion and published as FAQ, one answered
by an admin and published, one open (waiting on the champion) and one
escalated to the admins. Articles are found by slug, questions by their
text, and left alone when they exist.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Membership, Team, User
from help import services
from help.models import HelpArticle, HelpArticleTranslation, Question

#: (slug, page, {language: (title, Markdown)}): every shipped article in English and Russian.
ARTICLES = [
    (
        "dashboard",
        "dashboard",
        {
            "en": (
                "Your dashboard",
                """The dashboard is the first page after you sign in. What it shows depends on your role:

- **Marketers** see their campaigns, their open tasks, their funding requests and everything that waits on them.
- **The CMO** (approvers) sees the status of every campaign, the approvals waiting for a decision,
  spend against budget and ROI by channel.
- **Finance** sees the funding requests to review, spend by category and the variance against the plan.

Click any figure or chart to open the report behind it, with the same filters.

### Tips

1. The **bell** at the top right counts your unread notifications; each one links to the place to act.
2. Everything waiting for *your decision* is in **Approvals**, oldest first.
3. On any page, open the **?** menu and choose **Ask a question**: the champion of your team answers first.
""",
            ),
            "ru": (
                "Обзор: ваша первая страница",
                """«Обзор» — первая страница после входа. Что на ней показано, зависит от вашей роли:

- **Маркетологи** видят свои кампании, открытые задачи, свои заявки на финансирование и всё, что ждёт их действий.
- **Директор по маркетингу** (согласующие) видит статус каждой кампании, согласования, ожидающие решения,
  расходы относительно бюджета и ROI по каналам.
- **Финансы** видят заявки на финансирование, ожидающие рассмотрения, расходы по статьям и отклонения от плана.

Нажмите на любой показатель или график, чтобы открыть отчёт, из которого он взят, с теми же фильтрами.

### Советы

1. **Колокольчик** в правом верхнем углу показывает число непрочитанных уведомлений; каждое ведёт туда, где нужно
   действовать.
2. Всё, что ждёт *вашего решения*, собрано в разделе **Согласования**, начиная с самого старого.
3. На любой странице откройте меню **?** и выберите **Задать вопрос**: первым ответит чемпион вашей команды.
""",
            ),
        },
    ),
    (
        "campaigns-list",
        "campaigns:list",
        {
            "en": (
                "Finding and planning campaigns",
                """The campaign list shows every campaign you may see (confidential campaigns only to their team,
owner, sponsor, finance and admins).

### Find a campaign

- Type in **Search** to match the code, the name or a tag.
- Combine the filters (team, status, channel, dates); the address keeps them, so you can bookmark or share the list.

### Create a campaign

1. Click **New campaign**, choose the team and the owner.
2. Name an executive **sponsor**: a campaign cannot leave *draft* without one.
3. Enter the **planned cost**. A campaign with a planned cost cannot become *active* until a
   funding request for it is approved.

### Status

`draft → planned → active → completed`, with *on hold* and *cancelled*. Every change is recorded with who,
when and why on the campaign page.
""",
            ),
            "ru": (
                "Поиск и планирование кампаний",
                """В списке кампаний показаны все кампании, которые вам доступны (конфиденциальные кампании видят
только их команда, ответственный, спонсор, финансы и администраторы).

### Как найти кампанию

- Введите текст в поле **Поиск**: он ищется в коде, названии и метках кампаний.
- Сочетайте фильтры (команда, статус, канал, даты); адрес страницы сохраняет их, поэтому список можно добавить
  в закладки или отправить коллеге.

### Как создать кампанию

1. Нажмите **Новая кампания**, выберите команду и ответственного.
2. Назовите **спонсора** из руководства: без него кампания не выйдет из статуса *черновик*.
3. Укажите **плановые затраты**. Кампания с плановыми затратами не станет *активной*, пока по ней
   не согласована заявка на финансирование.

### Статус

`черновик → запланирована → активна → завершена`, а также *приостановлена* и *отменена*. Каждое изменение
записывается на странице кампании: кто, когда и почему.
""",
            ),
        },
    ),
    (
        "funding-requests",
        "budgets:requests",
        {
            "en": (
                "Asking for money: funding requests",
                """Money is spent only against an **approved funding request** of the same campaign.

### File a request

1. Open **Budgets → Funding requests → Ask for money**.
2. Choose the campaign, the expense category (finance's own categories) and the period.
3. Write the **justification**: *why* the money is needed. Approvers read it months later, make it clear.
4. Give the expected outcome (leads, revenue): it feeds ROI.
5. **Submit** it for approval: the approval workflow for funding requests starts and the approvers are notified.

### After approval

Finance may approve less than asked (*partially approved*). Commitments (POs) and expenses (invoices) are then
recorded against the request; the total can never exceed the approved amount, and the error tells you how much is left.

Quote the request number (e.g. `FR-2027-0001`) on purchase orders and invoices: accounting imports match it.
""",
            ),
            "ru": (
                "Как запросить деньги: заявки на финансирование",
                """Деньги тратятся только по **согласованной заявке на финансирование** той же кампании.

### Как подать заявку

1. Откройте **Бюджеты → Заявки на финансирование → Запросить деньги**.
2. Выберите кампанию, статью расходов (по классификации финансов) и период.
3. Напишите **обоснование**: *зачем* нужны деньги. Согласующие перечитывают его и через несколько месяцев —
   пишите ясно.
4. Укажите ожидаемый результат (лиды, выручка): из него считается ROI.
5. **Отправьте заявку на согласование**: запускается маршрут согласования заявок на финансирование, а согласующие
   получают уведомление.

### После согласования

Финансы могут согласовать меньше, чем запрошено (*одобрена частично*). Затем по заявке учитываются обязательства
(заказы, договоры) и расходы (счета); их сумма никогда не превысит согласованную, а сообщение об ошибке подскажет,
сколько осталось.

Указывайте номер заявки (например, `FR-2027-0001`) в заказах и счетах: по нему бухгалтерия сопоставляет данные
при импорте.
""",
            ),
        },
    ),
    (
        "approvals-inbox",
        "approvals:inbox",
        {
            "en": (
                "Deciding in the approvals inbox",
                """The inbox lists everything waiting on **you**, oldest first: material versions, funding requests and
campaign launches.

### Decision or comment?

- A **decision** (*Approve*, *Request changes*, *Reject*) is final and moves the request to its next stage.
- A **comment** is discussion only: it never changes any status. Use it for preliminary remarks.

You can approve or request changes straight from the list; open the request to see the subject, the
previous stages and the discussion.

### Away?

Name a **stand-in** for your absence (Approvals → Stand-ins): your stages go to them meanwhile, and the decision
records both names. You never decide on a request you submitted yourself.
""",
            ),
            "ru": (
                "Как принимать решения по согласованиям",
                """Во входящих согласованиях собрано всё, что ждёт **вашего** решения, начиная с самого старого: версии
материалов, заявки на финансирование и запуски кампаний.

### Решение или комментарий?

- **Решение** (*Согласовать*, *Запросить изменения*, *Отклонить*) окончательно и переводит запрос на следующий этап.
- **Комментарий** — только обсуждение: он никогда не меняет статус. Оставляйте в нём предварительные замечания.

Согласовать или запросить изменения можно прямо из списка; откройте запрос, чтобы увидеть предмет согласования,
предыдущие этапы и обсуждение.

### Уходите в отпуск?

Назначьте **заместителя** на время отсутствия (Согласования → Заместители): пока вас нет, ваши этапы переходят
к нему, а в решении записываются оба имени. По запросу, который вы отправили сами, вы не решаете никогда.
""",
            ),
        },
    ),
    (
        "materials",
        "materials:list",
        {
            "en": (
                "Materials and online proofing",
                """Materials are the banners, leaflets and videos of a campaign, each with its **versions**.

1. **Add material** on a campaign and upload the first file (images, PDF, video, office documents).
2. **Submit for approval**: the material workflow starts.
3. Approvers comment **on the preview**: click a point of the image or the PDF page to pin a comment there.
4. After *Request changes*, upload a new version: it is resubmitted at once, and earlier decisions stay on
   record against the version they were made on.

Previews of images and PDF pages are prepared in the background; reload the page if one is still being prepared.
""",
            ),
            "ru": (
                "Материалы и онлайн-согласование",
                """Материалы — это баннеры, листовки и видеоролики кампании; у каждого материала есть **версии**.

1. На странице кампании нажмите **Добавить материал** и загрузите первый файл (изображения, PDF, видео,
   офисные документы).
2. **Отправьте на согласование**: запускается маршрут согласования материалов.
3. Согласующие комментируют **прямо на превью**: щёлкните по точке изображения или страницы PDF, чтобы
   закрепить там комментарий.
4. После *Запросить изменения* загрузите новую версию: она сразу снова уходит на согласование, а прежние решения
   остаются в истории той версии, по которой они приняты.

Превью изображений и страниц PDF готовятся в фоне; если превью ещё не готово, обновите страницу через минуту.
""",
            ),
        },
    ),
]

QUESTIONS = [
    # (asker, body, page url, page title, answerer or None, answer, publish, hours ago)
    (
        "cmo",
        "Where do I see which funding requests are still waiting for finance?",
        "/budgets/requests/",
        "Funding requests",
        "marketer",
        "Open **Budgets → Funding requests** and filter by status *Submitted*. "
        "Finance works from the review queue, oldest first; the request page shows the current approval stage.",
        True,
        50,
    ),
    (
        "legal",
        "Can I delegate my approvals while I am on holiday?",
        "/approvals/",
        "Approvals",
        "admin",
        "Yes: **Approvals → Stand-ins**, name a colleague and the dates. Your stages route to them meanwhile and "
        "each decision records both names.",
        True,
        30,
    ),
    (
        "cmo",
        "How do I embed the events calendar on our corporate site?",
        "/calendar/",
        "Calendar",
        None,
        "",
        False,
        2,
    ),
    (
        "north",
        "Which expense category should regional trade shows go to?",
        "/budgets/requests/new/",
        "New funding request",
        None,
        "",
        False,
        30,
    ),
]


def _ensure_champion() -> None:
    """Demo teams have a champion each where accounts' demo named one; Brand must have one."""
    brand = Team.objects.filter(name="Brand").first()
    if brand and not Membership.objects.filter(team=brand, is_champion=True).exists():
        marketer = User.objects.filter(username="marketer").first()
        if marketer:
            Membership.objects.update_or_create(user=marketer, team=brand, defaults={"is_champion": True})


def _seed_articles() -> int:
    for slug, context_key, versions in ARTICLES:
        article, _created = HelpArticle.objects.update_or_create(
            slug=slug, defaults={"context_key": context_key, "published": True}
        )
        for language, (title, body) in versions.items():
            HelpArticleTranslation.objects.update_or_create(
                article=article, language=language, defaults={"title": title, "body": body.strip()}
            )
    return len(ARTICLES)


def _seed_questions() -> int:
    users = {u.username: u for u in User.objects.filter(username__in=["cmo", "legal", "north", "marketer", "admin"])}
    made = 0
    for asker, body, url, title, answerer, answer, publish, hours_ago in QUESTIONS:
        if asker not in users or Question.objects.filter(body=body).exists():
            continue
        question = services.question_ask(by=users[asker], body=body, page_url=url, page_title=title)
        asked_at = timezone.now() - dt.timedelta(hours=hours_ago)
        Question.objects.filter(pk=question.pk).update(created_at=asked_at)
        if answerer and answerer in users:
            question = services.question_answer(question=question, body=answer, by=users[answerer])
            Question.objects.filter(pk=question.pk).update(answered_at=asked_at + dt.timedelta(hours=3))
            if publish:
                services.question_publish(question=question, by=users[answerer])
        made += 1
    # questions left open past the delay escalate now, as the scheduler would
    services.questions_escalate_overdue()
    return made


def seed(stdout) -> None:
    _ensure_champion()
    articles = _seed_articles()
    questions = _seed_questions()
    stdout.write(f"  help: {articles} articles, {questions} new questions")
