"""Every write of comments: posting one (with its mentions notified)."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comments import messages
from comments.models import MAX_BODY, Comment
from comments.registry import get_target
from notifications.choices import NotificationKind
from notifications.services import notify

#: ``@username`` (Django's username characters), not inside an e-mail address.
MENTION = re.compile(r"(?<![\w.@+-])@([\w.@+-]*[\w+-])")


def mentioned_usernames(body: str) -> list[str]:
    return list(dict.fromkeys(MENTION.findall(body or "")))


def find_target(kind: str, target_id, user):
    """The object ``user`` may read, or a field error that says the same for hidden and missing objects
    (in the words of DRF's related fields)."""
    target = get_target(kind or "")
    if target is None:
        raise ValidationError({"target_type": _("Comments are not kept on this kind of object.")})
    found = target.visible(user).filter(pk=target_id).first() if str(target_id).isdigit() else None
    if found is None:
        raise ValidationError({"target_id": _("This object does not exist.")})
    return target, found


@transaction.atomic
def comment_post(*, target_type: str, target_id, body: str, by) -> Comment:
    """Add a comment to an object ``by`` may read; people it @mentions are notified.

    Only people who may read the object can be mentioned: naming someone else
    is refused, so a comment never sends anyone a link they cannot open.
    A comment is talk: it changes nothing on the object.
    """
    kind, target = find_target(target_type, target_id, by)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("Keep a comment under %(max)s characters.") % {"max": MAX_BODY}})
    names = mentioned_usernames(body)
    people = list(get_user_model().objects.filter(username__in=names, is_active=True)) if names else []
    unknown = sorted(set(names) - {person.username for person in people})
    if unknown:
        raise ValidationError(
            {"body": _("No active user is called %(names)s.") % {"names": ", ".join("@" + n for n in unknown)}}
        )
    blind = [p.username for p in people if not kind.visible(p).filter(pk=target.pk).exists()]
    if blind:
        raise ValidationError(
            {
                "body": _("%(names)s cannot see this, so cannot be mentioned here.")
                % {"names": ", ".join("@" + n for n in blind)}
            }
        )
    comment = Comment.objects.create(target_type=kind.kind, target_id=target.pk, body=body, author=by)
    if people:
        comment.mentions.set(people)
        label = kind.label(target)
        notify(
            recipients=people,
            kind=NotificationKind.COMMENT,
            message=messages.MENTIONED,
            params={"who": by.full_name, "subject": label, "body": body[:300]},
            url=kind.url(target),
            actor=by,
        )
    return comment
