"""Demo help (``manage.py seed_demo``), safe to run again.

Articles for the main pages (dashboard, campaigns, funding requests, the
approvals inbox, materials), each linked to its page; and questions in each
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
from help.models import HelpArticle, Question

ARTICLES = [
    (
        "dashboard",
        "Your dashboard",
        "dashboard",
        """The dashboard is the first page after you sign in. What it shows depends on your role:

- **Marketers** see their campaigns, their open tasks, their funding requests and everything that waits on them.
- **The CMO** (approvers) sees the status of every campaign, the approvals waiting for a decision,
  spend against budget and ROI by channel.
- **Finance** sees the funding requests to review, spend by category and the variance against the plan.

Click any figure or chart to open the report behind it, with the same filters.

### Tips

1. The **bell** at the top right counts your unread notifications; each one links to the place to act.
2. Everything waiting for *your decision* is in **Approvals**, oldest first.
3. Use **Help → Ask a question** on any page: the champion of your team answers first.
""",
    ),
    (
        "campaigns-list",
        "Finding and planning campaigns",
        "campaigns:list",
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
    (
        "funding-requests",
        "Asking for money: funding requests",
        "budgets:requests",
        """Money is spent only against an **approved funding request** of the same campaign.

### File a request

1. Open **Budgets → Funding requests → New request**.
2. Choose the campaign, the expense category (finance's own categories) and the period.
3. Write the **justification**: *why* the money is needed. Approvers read it months later, make it clear.
4. Give the expected outcome (leads, revenue): it feeds ROI.
5. **Submit**: the approval workflow for funding requests starts and the approvers are notified.

### After approval

Finance may approve less than asked (*partially approved*). Commitments (POs) and expenses (invoices) are then
recorded against the request; the total can never exceed the approved amount, and the error tells you how much is left.

Quote the request number (e.g. `FR-2027-0001`) on purchase orders and invoices: accounting imports match it.
""",
    ),
    (
        "approvals-inbox",
        "Deciding in the approvals inbox",
        "approvals:inbox",
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
    (
        "materials",
        "Materials and online proofing",
        "materials:list",
        """Materials are the banners, leaflets and videos of a campaign, each with its **versions**.

1. **Add material** on a campaign and upload the first file (images, PDF, video, office documents).
2. **Submit for approval**: the material workflow starts.
3. Approvers comment **on the preview**: click a point of the image or the PDF page to pin a comment there.
4. After *Request changes*, upload a new version: it is resubmitted at once, and earlier decisions stay on
   record against the version they were made on.

Previews of images and PDF pages are prepared in the background; reload the page if one is still being prepared.
""",
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
    for slug, title, context_key, body in ARTICLES:
        HelpArticle.objects.update_or_create(
            slug=slug, defaults={"title": title, "context_key": context_key, "body": body.strip(), "published": True}
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
