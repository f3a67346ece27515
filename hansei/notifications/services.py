"""Who hears about what. Messages are queued as jobs inside the caller's transaction, so a
change that rolls back sends nothing, and the worker delivers them after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from hansei.core.jobs import enqueue
from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.models import Postmortem, Revision
from hansei.reviews.models import Review


def absolute_url(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def queue_email(
    *, to: Iterable[str], template: str, context: dict[str, Any], language: str = "en"
) -> None:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    with translation.override(language):
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        body = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    enqueue(
        "notifications.send_email",
        {"to": recipients, "subject": " ".join(subject.split()), "body": body, "html": html},
    )


def announcement_recipients(postmortem: Postmortem) -> list[str]:
    """The distribution list; a restricted postmortem is announced to its team only."""
    if postmortem.restricted:
        members = postmortem.team.memberships.filter(user__is_active=True)
        return [m.user.email for m in members.select_related("user")]
    return PostmortemPolicy.current().recipients()


def announce_publication(*, revision: Revision) -> None:
    postmortem = revision.postmortem
    summary = postmortem.sections.filter(key__in=["summary", "gaiyou"]).first()
    context = {
        "postmortem": postmortem,
        "revision": revision,
        "summary": summary.body if summary else "",
        "url": absolute_url(reverse("postmortems:detail", args=[postmortem.pk])),
        "incidents": list(postmortem.incidents.select_related("severity")),
    }
    queue_email(
        to=announcement_recipients(postmortem),
        template="published",
        context=context,
        language=postmortem.language,
    )


def notify_review_requested(*, reviews: list[Review]) -> None:
    for review in reviews:
        url = reverse("reviews:review", args=[review.postmortem_id, review.pk])
        queue_email(
            to=[review.reviewer.email],
            template="review_requested",
            context={"review": review, "postmortem": review.postmortem, "url": absolute_url(url)},
            language=review.reviewer.language or "en",
        )


def notify_changes_requested(*, review: Review) -> None:
    postmortem = review.postmortem
    queue_email(
        to=[postmortem.owner.email],
        template="changes_requested",
        context={
            "review": review,
            "postmortem": postmortem,
            "url": absolute_url(reverse("postmortems:detail", args=[postmortem.pk])),
        },
        language=postmortem.owner.language or "en",
    )


def notify_postmortem_owner(*, postmortem: Postmortem, reasons: list[str]) -> None:
    """Tell the owner of a draft an intake webhook created that it is theirs to write."""
    owner = postmortem.owner
    queue_email(
        to=[owner.email],
        template="postmortem_assigned",
        context={
            "postmortem": postmortem,
            "incidents": list(postmortem.incidents.select_related("severity")),
            "reasons": reasons,
            "owner": owner,
            "url": absolute_url(reverse("postmortems:detail", args=[postmortem.pk])),
        },
        language=owner.language or "en",
    )
