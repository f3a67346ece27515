"""Talking to Slack's Web API as the Hansei app, with ``slack_sdk.WebClient``.

Every call goes through ``call()``, which turns whatever went wrong into one
``TransportError``: permanent when retrying cannot help (a revoked token, a channel the bot is
not in) with a reason that says what to do, temporary otherwise (a rate limit, with Slack's
Retry-After; a 5xx; a timeout; Slack unreachable).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from hansei.accounts.models import User
from hansei.integrations.transport import TransportError

log = logging.getLogger(__name__)

# Slack's error codes that retrying cannot fix, and what an admin should do about each.
PERMANENT_ERRORS: dict[str, str] = {
    "invalid_auth": gettext_noop("The bot token is not valid: set HANSEI_SLACK_BOT_TOKEN."),
    "not_authed": gettext_noop("No bot token was sent: set HANSEI_SLACK_BOT_TOKEN."),
    "account_inactive": gettext_noop("The app's bot user is deactivated: reinstall the app."),
    "token_revoked": gettext_noop("The bot token was revoked: reinstall the app, set the token."),
    "token_expired": gettext_noop("The bot token expired: reinstall the app, set the token."),
    "missing_scope": gettext_noop("The app lacks a scope (see the README): add it, reinstall."),
    "channel_not_found": gettext_noop(
        "Slack knows no such channel: check its id, or invite the bot to the private channel."
    ),
    "is_archived": gettext_noop("The channel is archived: unarchive it or choose another."),
    "not_in_channel": gettext_noop("The bot is not in the channel: invite it (/invite @Hansei)."),
    "restricted_action": gettext_noop("The workspace does not let the bot post there."),
    "users_not_found": gettext_noop("Slack has no user with that e-mail address."),
    "user_not_found": gettext_noop("Slack has no such user."),
    "user_not_visible": gettext_noop("The bot may not see that Slack user."),
    "cannot_dm_bot": gettext_noop("A bot cannot be sent a direct message."),
    "user_disabled": gettext_noop("That Slack user is deactivated."),
}
# Slack's error codes that a later attempt may not meet.
TEMPORARY_ERRORS = {
    "ratelimited",
    "rate_limited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
}


class RateLimited(TransportError):
    """Slack asked to wait: the job queue retries no sooner than ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, permanent=False)
        self.retry_after = retry_after


class SlackRefused(TransportError):
    """Slack refused the call for good; ``code`` is Slack's error ("channel_not_found")."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, permanent=True)
        self.code = code


def slack_is_configured() -> bool:
    """Hansei runs as a Slack app: it has the bot token and the signing secret."""
    return bool(settings.HANSEI_SLACK_BOT_TOKEN and settings.HANSEI_SLACK_SIGNING_SECRET)


def web_client(token: str = "") -> WebClient:
    return WebClient(
        token=token or settings.HANSEI_SLACK_BOT_TOKEN,
        base_url=settings.HANSEI_SLACK_API_URL,
        timeout=settings.HANSEI_SLACK_TIMEOUT,
    )


def call(method: str, *, token: str = "", **arguments: Any) -> dict[str, Any]:
    """Call a Web API method (``chat.postMessage``); its answer's data, or TransportError."""
    client = web_client(token)
    try:
        # The SDK's own method (chat_postMessage...) encodes each argument the way Slack wants.
        response = getattr(client, method.replace(".", "_"))(**arguments)
    except SlackApiError as error:
        raise _api_failure(method, error) from error
    except (SlackClientError, OSError, ValueError) as error:
        # OSError: refused, reset, timed out (urllib's URLError and socket.timeout are
        # OSErrors); ValueError: an answer that is not JSON (a proxy's error page).
        raise TransportError(
            _("Slack could not be reached (%(method)s): %(error)s")
            % {"method": method, "error": error.__class__.__name__}
        ) from error
    data = response.data
    if not isinstance(data, dict):
        raise TransportError(_("Slack answered %(method)s with no data.") % {"method": method})
    return data


def _api_failure(method: str, error: SlackApiError) -> TransportError:
    response = error.response
    data = response.data if isinstance(response.data, dict) else {}
    code = str(data.get("error") or "")
    status = int(response.status_code or 0)
    if status == 429 or code in {"ratelimited", "rate_limited"}:
        retry_after = _retry_after(response.headers)
        return RateLimited(
            _("Slack is rate limiting %(method)s: retrying after %(n)s seconds.")
            % {"method": method, "n": retry_after},
            retry_after=retry_after,
        )
    if code in PERMANENT_ERRORS:
        return SlackRefused(
            _("Slack refused %(method)s (%(code)s): %(what)s")
            % {"method": method, "code": code, "what": _(PERMANENT_ERRORS[code])},
            code=code,
        )
    if status >= 500 or code in TEMPORARY_ERRORS or not code:
        return TransportError(
            _("Slack failed on %(method)s (HTTP %(status)s %(code)s); it will be retried.")
            % {"method": method, "status": status, "code": code}
        )
    # An error Slack documents but we do not expect: retrying the same request gives the same.
    return SlackRefused(
        _("Slack refused %(method)s (%(code)s).") % {"method": method, "code": code}, code=code
    )


def _retry_after(headers: Any) -> int:
    found = ""
    for name, value in dict(headers or {}).items():
        if str(name).lower() == "retry-after":
            found = str(value[0] if isinstance(value, list) and value else value)
    try:
        return max(1, min(3600, int(found)))
    except ValueError:
        return 30


# --- people -----------------------------------------------------------------------------------


def hansei_user_for(slack_user_id: str) -> User | None:
    """The active Hansei user with the Slack user's e-mail address (``users.info``), if there is
    exactly one; None otherwise. Raises TransportError when Slack cannot be asked."""
    if not slack_user_id:
        return None
    try:
        data = call("users.info", user=slack_user_id)
    except SlackRefused as error:
        if error.code in ("user_not_found", "user_not_visible"):
            return None
        raise  # a bad token, a missing scope: not the person's doing
    found = data.get("user")
    slack_user: dict[str, Any] = found if isinstance(found, dict) else {}
    if slack_user.get("deleted") or slack_user.get("is_bot"):
        return None
    profile = slack_user.get("profile")
    email = profile.get("email") if isinstance(profile, dict) else None
    if not isinstance(email, str) or "@" not in email:
        return None
    people = list(User.objects.filter(email__iexact=email.strip(), is_active=True)[:2])
    return people[0] if len(people) == 1 else None


def unlinked_text() -> str:
    """What a Slack user Hansei cannot match to an account is told."""
    return _(
        "Hansei does not know you: link your e-mail. Your Slack e-mail address must be the one "
        "of an active Hansei account; ask an admin if it is not."
    )


class NotInSlack(TransportError):
    """Nobody in the workspace has the person's e-mail address: they do not use Slack here."""


def slack_user_id_for(user: User) -> str:
    """The Slack user with ``user``'s e-mail address (``users.lookupByEmail``). NotInSlack
    (a permanent TransportError) when there is none."""
    if not user.email:
        raise TransportError(
            _("%(user)s has no e-mail address to find them in Slack by.") % {"user": user.username},
            permanent=True,
        )
    try:
        data = call("users.lookupByEmail", email=user.email)
    except SlackRefused as error:
        if error.code == "users_not_found":
            raise NotInSlack(
                _(
                    "No Slack user has the e-mail address of %(user)s: they need the same address "
                    "in Slack and in Hansei."
                )
                % {"user": user.username},
                permanent=True,
            ) from error
        raise
    found = data.get("user")
    slack_id = found.get("id") if isinstance(found, dict) else None
    if not isinstance(slack_id, str) or not slack_id:
        raise TransportError(
            _("Slack answered users.lookupByEmail without a user."), permanent=True
        )
    return slack_id
