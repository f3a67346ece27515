"""Setting up intake integrations from Hansei's own admin pages.

* ``save_integration``: create or change one; its mappings arrive as rows of (outside value,
  Hansei target) and are checked into the JSON the intake reads;
* ``rotate_integration_secret``: a new URL token and a new secret (the old address answers 404);
* ``dry_run_integration``: a dry run of a documented sample delivery through the real parser and
  the integration's mappings: what Hansei would do, and why; it writes no incident;
* ``send_test_event``: the sample sent for real through the intake (signature check, delivery
  log, incident), opening a new incident whose title marks it as a test.

Guarantees: admins only; each call is one transaction; every change is in the audit log with
the URL token and the secret recorded as "[secret]", never their value.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import Team, User
from hansei.core import audit
from hansei.incidents.models import Incident, Service, Severity
from hansei.integrations import samples
from hansei.integrations.intake import RESOLVE, TRIGGER, IntakeEvent, PayloadError, parser_for
from hansei.integrations.models import ExternalIncident, Integration, Kind, OwnerRule, new_secret
from hansei.integrations.services import Answer, _mapped_severity, receive_delivery

MAX_ROWS = 200  # per mapping
MAX_VALUE_CHARS = 200
MIN_SECRET_CHARS = 16
AUDIT_SECRETS = frozenset({"token", "secret"})

Row = tuple[object, object]


def _require_admin(actor: User) -> None:
    access.require(access.can_administer(actor), _("Only admins can set up integrations."))


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else f"{text[:39]}…"


# --- saving -----------------------------------------------------------------------------------


def _is_pair(row: object) -> bool:
    return isinstance(row, tuple | list) and len(row) == 2


def _is_blank(row: object) -> bool:
    return _is_pair(row) and isinstance(row[0], str) and not row[0].strip()  # type: ignore[index]


def _mapping_from_rows(
    rows: Sequence[Row], target_of: Callable[[str, str], Any], errors: list[str]
) -> dict[str, Any]:
    """``{outside value: target}`` from rows; rows with a blank outside value are skipped,
    anything else wrong is added to ``errors``. ``target_of(value, target)`` gives the stored
    target, or raises ValidationError with the message to show."""
    mapping: dict[str, Any] = {}
    seen: set[str] = set()
    filled = [row for row in rows if not _is_blank(row)]
    if len(filled) > MAX_ROWS:
        errors.append(_("At most %(n)s rows.") % {"n": MAX_ROWS})
        return {}
    for row in filled:
        if not _is_pair(row) or not isinstance(row[0], str) or not isinstance(row[1], str | int):
            errors.append(_("A row is not text: %(row)s.") % {"row": _short(row)})
            continue
        value = row[0].strip()
        if len(value) > MAX_VALUE_CHARS:
            errors.append(
                _("“%(value)s” is longer than %(n)s characters.")
                % {"value": _short(value), "n": MAX_VALUE_CHARS}
            )
        elif "\x00" in value:
            errors.append(_("“%(value)s” holds a NUL character.") % {"value": _short(value)})
        elif value.lower() in seen:  # the intake compares them ignoring case
            errors.append(_("“%(value)s” is listed twice.") % {"value": _short(value)})
        else:
            try:
                mapping[value] = target_of(value, str(row[1]).strip())
            except ValidationError as error:
                errors.extend(error.messages)
        seen.add(value.lower())
    return mapping


def _severity_levels() -> Callable[[str, str], int]:
    levels = set(Severity.objects.values_list("level", flat=True))

    def level_of(value: str, target: str) -> int:
        if not target:
            raise ValidationError(_("“%(value)s”: choose a severity.") % {"value": _short(value)})
        if not (target.isascii() and target.isdigit()) or int(target[:9]) not in levels:
            raise ValidationError(
                _("“%(value)s”: %(level)s is not a severity level.")
                % {"value": _short(value), "level": _short(target)}
            )
        return int(target)

    return level_of


def _service_slugs() -> Callable[[str, str], str]:
    slugs = set(Service.objects.values_list("slug", flat=True))

    def slug_of(value: str, target: str) -> str:
        if not target:
            raise ValidationError(_("“%(value)s”: choose a service.") % {"value": _short(value)})
        if target not in slugs:
            raise ValidationError(
                _("“%(value)s”: there is no service “%(slug)s”.")
                % {"value": _short(value), "slug": _short(target)}
            )
        return target

    return slug_of


def _check_fields(
    integration: Integration | None, name: str, kind: str, owner_rule: str, secret: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    others = Integration.objects.all()
    if integration is not None:
        others = others.exclude(pk=integration.pk)
    if not name or len(name) > 100:
        errors["name"] = [_("A name of 1 to 100 characters is required.")]
    elif others.filter(name=name).exists():
        errors["name"] = [_("Another integration already has this name.")]
    if kind not in Kind.values:
        errors["kind"] = [_("Unknown kind.")]
    if owner_rule not in OwnerRule.values:
        errors["owner_rule"] = [_("Unknown owner rule.")]
    if secret and (len(secret) < MIN_SECRET_CHARS or len(secret) > 200 or secret != secret.strip()):
        errors["secret"] = [_("A secret has 16 to 200 characters, without spaces around them.")]
    return errors


def _audited_fields(integration: Integration) -> dict[str, Any]:
    return {
        "name": integration.name,
        "kind": integration.kind,
        "team": integration.team.name,
        "default_severity": integration.default_severity.name,
        "severity_mapping": integration.severity_mapping,
        "service_mapping": integration.service_mapping,
        "owner_rule": integration.owner_rule,
        "is_active": integration.is_active,
        "token": integration.token,
        "secret": integration.secret,
    }


@transaction.atomic
def save_integration(
    *,
    actor: User,
    integration: Integration | None,
    name: str,
    kind: str,
    team: Team,
    default_severity: Severity,
    severity_rows: Sequence[Row],
    service_rows: Sequence[Row],
    owner_rule: str,
    is_active: bool,
    secret: str = "",
) -> Integration:
    """Create (``integration`` None) or change an integration. Rows map an outside value to a
    severity level or a service slug. ``secret``: empty keeps the current one (a new
    integration gets a random one); PagerDuty's signing secret is PagerDuty's, pasted here.
    Refusals are a ValidationError by field (``severity_rows``/``service_rows`` for rows);
    nothing is saved then."""
    _require_admin(actor)
    name = name.strip()
    errors = _check_fields(integration, name, kind, owner_rule, secret)
    row_errors: dict[str, list[str]] = {"severity_rows": [], "service_rows": []}
    severity_mapping = _mapping_from_rows(
        severity_rows, _severity_levels(), row_errors["severity_rows"]
    )
    service_mapping = _mapping_from_rows(service_rows, _service_slugs(), row_errors["service_rows"])
    errors.update({key: found for key, found in row_errors.items() if found})
    if errors:
        raise ValidationError(errors)
    if integration is not None:
        integration = Integration.objects.select_for_update().get(pk=integration.pk)
    before = _audited_fields(integration) if integration is not None else {}
    saved = integration or Integration()
    saved.name, saved.kind, saved.team, saved.default_severity = name, kind, team, default_severity
    saved.severity_mapping, saved.service_mapping = severity_mapping, service_mapping
    saved.owner_rule, saved.is_active = owner_rule, is_active
    saved.secret = secret or saved.secret
    saved.full_clean()
    saved.save()
    changes = audit.changes_between(before, _audited_fields(saved), AUDIT_SECRETS)
    if integration is None or changes:
        action = "integration.created" if integration is None else "integration.changed"
        audit.record(action, actor=actor, target=saved, changes=changes)
    return saved


@transaction.atomic
def rotate_integration_secret(*, actor: User, integration: Integration) -> Integration:
    """A new URL token and a new secret: the old address answers 404 from now on."""
    _require_admin(actor)
    current = Integration.objects.select_for_update().get(pk=integration.pk)
    before = _audited_fields(current)
    current.token, current.secret = new_secret(), new_secret()
    current.save(update_fields=["token", "secret"])
    changes = audit.changes_between(before, _audited_fields(current), AUDIT_SECRETS)
    audit.record("integration.rotated", actor=actor, target=current, changes=changes)
    return current


# --- the test event ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SeverityMatch:
    """A severity row the sample's outside value matched (``severity`` None: no such level)."""

    label: str
    row: str
    severity: Severity | None
    chosen: bool


@dataclass(frozen=True)
class ServiceMatch:
    label: str
    slug: str
    service: Service | None  # None: the row names a service that no longer exists


@dataclass
class DryRun:
    """What Hansei would do with a sample delivery, and why. ``refused`` is set instead when
    the parser would refuse or ignore the sample."""

    integration: Integration
    sample: str
    event_type: str = ""
    refused: str = ""
    action: str = ""
    title: str = ""
    external_id: str = ""
    incident: Incident | None = None  # the incident this outside id already opened
    severity: Severity | None = None
    labels: list[str] = field(default_factory=list)
    matches: list[SeverityMatch] = field(default_factory=list)
    services: list[ServiceMatch] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    @property
    def by_default(self) -> bool:
        return not any(match.chosen for match in self.matches)

    @property
    def opens(self) -> bool:
        return self.incident is None

    @property
    def resolves(self) -> bool:
        return self.action == RESOLVE

    @property
    def triggers(self) -> bool:
        return self.action == TRIGGER


def _as_level(value: object) -> int | None:
    """A stored level as the intake reads it (the Django admin may have stored "1")."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def _severity_matches(integration: Integration, event: IntakeEvent) -> list[SeverityMatch]:
    chosen = _mapped_severity(integration, event)  # the intake's own choice: the dry run agrees
    mapping = integration.severity_mapping or {}
    rows = {str(k).strip().lower(): (str(k), v) for k, v in mapping.items()}
    levels: dict[int | None, Severity] = {s.level: s for s in Severity.objects.all()}
    found = []
    for label in event.severity_labels:
        if label.lower() not in rows:
            continue
        row, level = rows[label.lower()]
        severity = levels.get(_as_level(level))
        found.append(
            SeverityMatch(label, row, severity, severity is not None and severity == chosen)
        )
    return found


def _service_matches(
    integration: Integration, event: IntakeEvent
) -> tuple[list[ServiceMatch], list[str]]:
    rows = {str(k).strip().lower(): str(v) for k, v in (integration.service_mapping or {}).items()}
    existing = Service.objects.in_bulk(list(rows.values()), field_name="slug")
    matched, unmatched = [], []
    for label in event.service_names:
        slug = rows.get(label.lower())
        if slug is None:
            unmatched.append(label)
        else:
            matched.append(ServiceMatch(label, slug, existing.get(slug)))
    return matched, unmatched


def _dry_run(integration: Integration, sample: str, event: IntakeEvent) -> DryRun:
    link = (
        ExternalIncident.objects.filter(integration=integration, external_id=event.external_id)
        .select_related("incident")
        .first()
    )
    matches = _severity_matches(integration, event)
    chosen = [match.severity for match in matches if match.chosen]
    services, unmatched = _service_matches(integration, event)
    return DryRun(
        integration=integration,
        sample=sample,
        event_type=event.event_type,
        action=event.action,
        title=" ".join(event.title.split())[:200],  # as the intake titles a new incident
        external_id=event.external_id,
        incident=link.incident if link is not None else None,
        severity=chosen[0] if chosen else integration.default_severity,
        labels=list(event.severity_labels),
        matches=matches,
        services=services,
        unmatched=unmatched,
    )


@transaction.atomic
def dry_run_integration(*, actor: User, integration: Integration, sample: str) -> DryRun:
    """A dry run of the documented ``sample`` (``trigger`` or ``resolve``) of the integration's
    kind, through the real parser and the saved mappings. Writes no incident; records
    ``integration.tested``."""
    _require_admin(actor)
    if sample not in samples.SAMPLE_NAMES:
        raise ValidationError({"sample": _("Unknown sample.")})
    payload = samples.sample_payload(integration.kind, sample)
    try:
        event = parser_for(integration.kind).parse(payload, json.dumps(payload).encode())
    except PayloadError as error:
        result = DryRun(integration=integration, sample=sample, refused=str(error))
    else:
        if event is None:
            refused = _("Hansei does not use this event type.")
            result = DryRun(integration=integration, sample=sample, refused=refused)
        else:
            result = _dry_run(integration, sample, event)
    audit.record("integration.tested", actor=actor, target=integration, detail=sample)
    return result


def _as_test(title: str) -> str:
    return _("[Test] %(title)s") % {"title": title}


@transaction.atomic
def send_test_event(*, actor: User, integration: Integration) -> Answer:
    """Deliver the trigger sample through the intake as the tool would (signed with the
    integration's secret, logged as a delivery): a new incident titled "[Test] …" on success.
    Returns the intake's answer (a refusal too: a turned-off integration answers 410)."""
    _require_admin(actor)
    payload = samples.for_a_real_test(
        integration.kind, nonce=secrets.token_hex(6), now=timezone.now(), retitle=_as_test
    )
    body = json.dumps(payload).encode()
    answer = receive_delivery(
        kind=integration.kind,
        token=integration.token,
        headers=samples.signed_headers(integration.kind, body, integration.secret),
        body=body,
    )
    detail = f"{answer.status} {answer.outcome}"
    if answer.incident_id:
        detail += f", incident {answer.incident_id}"
    audit.record("integration.test_sent", actor=actor, target=integration, detail=detail)
    return answer
