"""What people are told (PRODUCT.md §5): decision e-mails and comment e-mails read differently."""

from django.core import mail
from django.urls import reverse
from django.utils import translation

from approvals.services import approval_comment, approval_decide
from notifications.models import Notification


def test_decision_and_comment_emails_say_which_is_which(
    open_request, legal, marketer, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    # when legal comments, then decides
    with django_capture_on_commit_callbacks(execute=True):
        approval_comment(request=open_request, by=legal, body="Is the price final?")
    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(request=open_request, by=legal, outcome="request_changes", note="Add the price")
    # then the submitter got two e-mails whose subjects tell a comment from a decision
    subjects = [m.subject for m in mail.outbox if m.to == [marketer.email]]
    assert subjects == [
        f"Comment (not a decision): {open_request.subject_title}",
        f"Decision: requested changes — {open_request.subject_title}",
    ]
    decision_mail = [m for m in mail.outbox if m.subject.startswith("Decision:")][0]
    assert "Add the price" in decision_mail.body
    assert "The request is now: changes requested." in decision_mail.body
    kinds = list(Notification.objects.filter(recipient=marketer).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["comment", "decision"]


def test_notices_are_written_in_the_recipients_language(
    open_request, legal, marketer, django_capture_on_commit_callbacks
):
    marketer.language = "ru"
    marketer.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approval_comment(request=open_request, by=legal, body="Вопрос")
        approval_decide(request=open_request, by=legal, outcome="reject")
    subjects = sorted(m.subject for m in mail.outbox if m.to == [marketer.email])
    assert subjects[0].startswith("Комментарий (не решение):")
    assert subjects[1].startswith("Решение: отклонено")


def test_the_submitter_is_not_told_of_their_own_comment(open_request, marketer, legal):
    approval_comment(request=open_request, by=marketer, body="Any news?")
    assert not Notification.objects.filter(recipient=marketer, kind="comment").exists()
    assert Notification.objects.filter(recipient=legal, kind="comment").count() == 1


def test_the_inbox_speaks_russian(client, open_request, legal):
    legal.language = "ru"
    legal.save()
    client.force_login(legal)
    html = client.get(reverse("approvals:inbox")).content.decode()
    assert "Ждут моего согласования" in html
    assert "Запросить изменения" in html


# --- decisions name outcome, amount and note (issue 14, item 2) ---------------------------------------------


def _decision_notice(marketer):
    return Notification.objects.filter(recipient=marketer, kind="decision").latest("pk")


def test_a_partial_approval_says_how_much_of_how_much_with_the_note(submit, legal, approver, marketer):
    # given a request for 5 000 at legal, then the CMO
    request = submit(amount="5000")
    # when legal approves 3 000 and says why
    approval_decide(request=request, by=legal, outcome="approve", approved_amount="3000", note="Half now, rest in Q3")
    # then the requester reads the amounts and the note, in English…
    notice = _decision_notice(marketer)
    with translation.override("en"):
        assert notice.display_title == f"Decision: approved ₽3,000.00 of ₽5,000.00 — {request.subject_title}"
        assert notice.display_body.splitlines() == [
            f"{legal.full_name} approved ₽3,000.00 of ₽5,000.00 at stage “Legal”.",
            "The request is now: in progress.",
            "Note: Half now, rest in Q3",
        ]
    # …and in Russian, from the same row
    with translation.override("ru"):
        assert (
            notice.display_title
            == f"Решение: согласовано 3\xa0000,00\xa0₽ из 5\xa0000,00\xa0₽ — {request.subject_title}"
        )
        assert "Примечание: Half now, rest in Q3" in notice.display_body


def test_the_final_approval_after_a_cut_still_reports_the_cut_and_why(submit, legal, approver, marketer):
    request = submit(amount="5000")
    approval_decide(request=request, by=legal, outcome="approve", approved_amount="3000", note="Half now")
    # when the CMO approves what is left to decide, without an amount of their own
    approval_decide(request=request, by=approver, outcome="approve")
    # then the requester learns the request is approved for 3 000 of 5 000, and why less
    notice = _decision_notice(marketer)
    with translation.override("en"):
        assert notice.display_title.startswith("Decision: approved ₽3,000.00 of ₽5,000.00")
        body = notice.display_body
    assert "The request is now: approved." in body
    assert "No note." in body
    assert f"Why less ({legal.full_name}): Half now" in body


def test_a_full_approval_and_a_rejection_name_the_amount_and_the_note(submit, legal, marketer):
    approved = submit(amount="5000")
    approval_decide(request=approved, by=legal, outcome="reject", note="Not this quarter")
    with translation.override("en"):
        notice = _decision_notice(marketer)
        assert notice.display_title == f"Decision: rejected — {approved.subject_title}"
        assert "Amount asked: ₽5,000.00." in notice.display_body
        assert "Note: Not this quarter" in notice.display_body
    with translation.override("ru"):
        assert "Запрошенная сумма: 5\xa0000,00\xa0₽." in notice.display_body


def test_a_decision_e_mail_reads_in_the_requesters_language(
    submit, legal, marketer, django_capture_on_commit_callbacks
):
    marketer.language = "ru"
    marketer.save(update_fields=["language"])
    request = submit(amount="5000")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):  # legal works in English
        approval_decide(request=request, by=legal, outcome="approve", approved_amount="3000", note="Half now")
    (message,) = [m for m in mail.outbox if m.to == [marketer.email]]
    assert message.subject == f"Решение: согласовано 3\xa0000,00\xa0₽ из 5\xa0000,00\xa0₽ — {request.subject_title}"
    assert "Примечание: Half now" in message.body
