"""The inbox, what reaches you where, and what you follow."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.models import Team
from hansei.core.pagination import api_page, offset_param
from hansei.incidents.models import Service, Severity
from hansei.notifications import services
from hansei.notifications.models import Subscription
from hansei.notifications.queries import digest_of, preference_grid, subscriptions_of
from hansei.notifications.schemas import (
    ChoiceOut,
    DigestIn,
    DigestOut,
    InboxPage,
    ReadRequestIn,
    ReadRequestOut,
    SettingsIn,
    SubscriptionIn,
    SubscriptionOut,
)

router = Router(tags=["notifications"])


@router.get("/notifications", response=InboxPage, summary="My inbox, newest first")
def list_notifications(
    request: HttpRequest,
    unread: bool = Query(False, description="Only the unread ones"),
    limit: int = Query(50, ge=1, le=200),
    offset: int = offset_param(),
) -> dict[str, Any]:
    mine = access.notifications_visible_to(actor_of(request))
    shown = mine.unread() if unread else mine
    return {**api_page(shown, limit=limit, offset=offset), "unread": mine.unread().count()}


@router.post(
    "/notifications/{int:notification_id}/read", response={204: None}, summary="Mark one read"
)
def read_notification(request: HttpRequest, notification_id: int) -> object:
    actor = actor_of(request)
    notification = access.get_notification_for_user(actor, notification_id)
    services.mark_notification_read(actor=actor, notification=notification)
    return Status(204, None)


@router.post("/notifications/read", response={204: None}, summary="Mark all read")
def read_all_notifications(request: HttpRequest) -> object:
    services.mark_all_notifications_read(actor=actor_of(request))
    return Status(204, None)


def _settings(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "kind": spec.kind.value,
            "label": str(spec.kind.label),
            "description": str(spec.help),
            "channels": {channel: on for channel, _label, on in chosen},
        }
        for spec, chosen in preference_grid(actor_of(request))
    ]


@router.get(
    "/me/notification-settings",
    response=list[ChoiceOut],
    summary="What reaches me where (each kind × channel)",
)
def get_notification_settings(request: HttpRequest) -> object:
    return _settings(request)


@router.put(
    "/me/notification-settings",
    response=list[ChoiceOut],
    summary="Change what reaches me where (the kinds and channels sent; the rest keep theirs)",
)
def put_notification_settings(request: HttpRequest, payload: SettingsIn) -> object:
    choices = {(c.kind, c.channel): c.enabled for c in payload.choices}
    services.set_preferences(actor=actor_of(request), choices=choices)
    return _settings(request)


@router.get("/me/digest", response=DigestOut, summary="How often I get the digest")
def get_digest(request: HttpRequest) -> object:
    return {"frequency": digest_of(actor_of(request))}


@router.put("/me/digest", response=DigestOut, summary="Change how often I get the digest")
def put_digest(request: HttpRequest, payload: DigestIn) -> object:
    actor = actor_of(request)
    services.set_digest(actor=actor, frequency=payload.frequency)
    return {"frequency": digest_of(actor)}


@router.get("/me/subscriptions", response=list[SubscriptionOut], summary="What I follow")
def list_subscriptions(request: HttpRequest) -> object:
    return subscriptions_of(actor_of(request))


@router.post(
    "/postmortems/{int:pk}/read-requests",
    response={201: ReadRequestOut},
    summary="Ask a team you lead to read a published postmortem",
)
def ask_to_read(request: HttpRequest, pk: int, payload: ReadRequestIn) -> object:
    """Who of the team has not read it is told now, and reminded once a few business days
    later. 403 unless you lead the team (or are an admin); 409 unless it is published."""
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    team = Team.objects.filter(slug=payload.team).first()
    if team is None:
        raise ValidationError({"team": "No team has this slug."})
    told = services.ask_team_to_read(actor=actor, postmortem=postmortem, team=team)
    return Status(201, {"team": team.slug, "told": [user.username for user in told]})


@router.post(
    "/me/subscriptions",
    response={200: SubscriptionOut, 201: SubscriptionOut},
    summary="Follow a postmortem, a team, a service or a severity (201 new, 200 already)",
)
def follow(request: HttpRequest, payload: SubscriptionIn) -> object:
    actor = actor_of(request)
    given = {name: value for name, value in payload.dict().items() if value is not None}
    if len(given) != 1:
        raise ValidationError("Give exactly one of postmortem, team, service or severity.")
    [(name, value)] = given.items()
    target: Any
    if name == "postmortem":
        target = access.get_postmortem_for_user(actor, value)
    else:
        rows, field = {
            "team": (Team.objects.all(), "slug"),
            "service": (Service.objects.all(), "slug"),
        }.get(name, (Severity.objects.all(), "name"))
        target = rows.filter(**{field: value}).first()
        if target is None:
            raise ValidationError({name: f"Unknown {name}: {value!r}."})
    subscription, new = services.follow(actor=actor, target=target)
    return Status(201 if new else 200, Subscription.objects.of(actor.pk).get(pk=subscription.pk))


@router.delete("/me/subscriptions/{int:subscription_id}", response={204: None}, summary="Unfollow")
def unfollow(request: HttpRequest, subscription_id: int) -> object:
    actor = actor_of(request)
    subscription = get_object_or_404(Subscription.objects.of(actor.pk), pk=subscription_id)
    services.unfollow(actor=actor, subscription=subscription)
    return Status(204, None)
