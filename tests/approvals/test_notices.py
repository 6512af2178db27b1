"""What people are told (PRODUCT.md §5): decision e-mails and comment e-mails read differently."""

from django.core import mail
from django.urls import reverse

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
