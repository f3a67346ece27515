"""The writing check, read-only: what it reads of a postmortem, in which language, with
which vocabulary, and its findings (the writes, dismissing and restoring, are in services)."""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei.accounts.models import User
from hansei.lint import (
    ActionItemInput,
    Finding,
    PostmortemInput,
    SectionInput,
    Vocabulary,
    VocabularyError,
    blame_rule_ids,
    lint_postmortem,
    lint_text,
)
from hansei.postmortems.analysis.models import PostmortemImpact
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.template_library.models import SectionKind
from hansei.postmortems.writing_check.models import LintDismissal, LintVocabulary

if TYPE_CHECKING:
    from hansei.accounts.models import Team


log = logging.getLogger(__name__)

MAX_LINT_CHARS = 100_000
TEXT_LANGUAGES = ("auto", "en", "ja")
UI_LANGUAGES = ("en", "ja")
IMPACT_FIGURES = (
    "affected_count",
    "requests_failed_percent",
    "user_visible_minutes",
    "support_tickets",
    "revenue_impact",
    "error_budget_percent",
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def ui_language(user: User | None, language_code: str) -> str:
    """The language of the rules' texts: the user's own setting, else the request's."""
    for code in (getattr(user, "language", ""), language_code):
        short = (code or "")[:2].lower()
        if short in UI_LANGUAGES:
            return short
    return "en"


class Utf16Offsets:
    """Python ``str`` indexes to UTF-16 code units (what JavaScript and CodeMirror count):
    every character outside the Basic Multilingual Plane (emoji...) counts twice."""

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]

    def __call__(self, index: int) -> int:
        return index + bisect.bisect_left(self._astral, index)


# --- the linter's input ---------------------------------------------------------------------


def _sections_input(postmortem: Postmortem, counts: dict[str, int]) -> list[SectionInput]:
    return [
        SectionInput(
            key=section.key,
            title=section.title,
            body=section.body,
            kind=section.kind,
            required=section.required,
            structured_items=counts.get(section.kind, 0),
        )
        for section in postmortem.sections.all()
    ]


def _action_items_input(postmortem: Postmortem) -> list[ActionItemInput]:
    return [
        ActionItemInput(
            title=item.title,
            key=str(item.pk),
            type=item.kind,
            # One owner per row: an id, so that a name never reads as several owners.
            owner=f"user-{item.owner_id}" if item.owner_id else "",
            priority=item.priority,
            due=item.due_date,
            status=item.status,
        )
        for item in postmortem.action_items.all()
    ]


def postmortem_input(postmortem: Postmortem) -> PostmortemInput:
    """What the linter reads of a postmortem: its sections, action items, impact figures,
    the worst severity of its incidents, and its state."""
    impact = PostmortemImpact.objects.filter(postmortem=postmortem).first()
    figures = {name: getattr(impact, name) for name in IMPACT_FIGURES} if impact else {}
    items = _action_items_input(postmortem)
    incidents = list(postmortem.incidents.select_related("severity"))
    counts: dict[str, int] = {
        SectionKind.TIMELINE: postmortem.timeline.count(),
        SectionKind.ACTION_ITEMS: len(items),
        SectionKind.IMPACT: sum(1 for value in figures.values() if value not in (None, "")),
    }
    sections = _sections_input(postmortem, counts)
    levels = [incident.severity.level for incident in incidents]
    user_visible = any(incident.downtime_minutes for incident in incidents) or bool(
        impact and impact.user_visible_minutes
    )
    return PostmortemInput(
        sections=sections,
        action_items=items,
        impact_figures=figures,
        severity_level=min(levels) if levels else None,
        user_visible=user_visible,
        status=postmortem.status,
        due_date=postmortem.due_date,
        today=timezone.localdate(),
        action_items_section_key=next(
            (s.key for s in sections if s.kind == SectionKind.ACTION_ITEMS), ""
        ),
    )


def people_of(postmortem: Postmortem) -> list[str]:
    """Names and @usernames of the team's members and the owner: the linter then knows them
    as people ("Kestrel broke the deploy" blames someone; "Redis broke" does not)."""
    users = User.objects.filter(
        Q(memberships__team=postmortem.team_id) | Q(pk=postmortem.owner_id)
    ).distinct()
    people: list[str] = []
    for user in users:
        people += [user.name, user.get_full_name(), f"@{user.username}"]
    return list(dict.fromkeys(p for p in people if p.strip().lstrip("@")))


def vocabulary_for(team: Team | int | None) -> Vocabulary:
    """The site-wide vocabulary merged with the team's. A row saved with bad data (not through
    the admin's validation) is left out and logged rather than breaking every page."""
    team_id = team if isinstance(team, int) or team is None else team.pk
    rows = LintVocabulary.objects.filter(Q(team__isnull=True) | Q(team_id=team_id))
    vocabulary = Vocabulary()
    for row in sorted(rows, key=lambda r: r.team_id is not None):
        try:
            vocabulary = vocabulary.merged(row.vocabulary())
        except VocabularyError:
            log.warning("lint vocabulary %s is invalid; ignored", row.pk, exc_info=True)
    return vocabulary


# --- linting --------------------------------------------------------------------------------


@dataclass
class PostmortemLint:
    """A postmortem's findings: the open ones and the dismissed ones with their dismissal.
    ``bodies`` are the section texts the offsets point into."""

    open: list[Finding]
    dismissed: list[tuple[Finding, LintDismissal]]
    bodies: dict[str, str] = field(default_factory=dict)

    @property
    def blame_open(self) -> list[Finding]:
        blame = blame_rule_ids()
        return [f for f in self.open if f.rule_id in blame]


def _dismissals(postmortem: Postmortem) -> dict[str, LintDismissal]:
    rows = postmortem.lint_dismissals.select_related("dismissed_by")
    return {row.fingerprint: row for row in rows}


def _split(
    findings: Iterable[Finding], dismissals: dict[str, LintDismissal]
) -> tuple[list[Finding], list[tuple[Finding, LintDismissal]]]:
    open_, dismissed = [], []
    for finding in findings:
        row = dismissals.get(finding.fingerprint)
        if row is None:
            open_.append(finding)
        else:
            dismissed.append((finding, row))
    return open_, dismissed


def lint_postmortem_for(postmortem: Postmortem, *, ui_lang: str) -> PostmortemLint:
    """The blame rules over every Markdown section and the quality checks, with the team's
    vocabulary and people, split into open and dismissed findings."""
    doc = postmortem_input(postmortem)
    findings = lint_postmortem(
        doc,
        vocabulary=vocabulary_for(postmortem.team_id),
        people=people_of(postmortem),
        ui_lang=ui_lang,
    )
    open_, dismissed = _split(findings, _dismissals(postmortem))
    bodies = {section.key: section.body for section in doc.sections}
    return PostmortemLint(open=open_, dismissed=dismissed, bodies=bodies)


def lint_section_text(
    text: str,
    *,
    postmortem: Postmortem | None = None,
    section_key: str = "",
    lang: str = "auto",
    ui_lang: str,
) -> list[tuple[Finding, LintDismissal | None]]:
    """The blame rules over one text as someone types it. With a postmortem: its team's
    vocabulary and people, and its dismissals; without: the site-wide vocabulary only."""
    errors = {}
    if len(text) > MAX_LINT_CHARS:
        errors["text"] = _("The text is too long (at most %(n)s characters).") % {
            "n": f"{MAX_LINT_CHARS:,}"
        }
    if lang not in TEXT_LANGUAGES:
        errors["lang"] = _("Unknown language %(lang)r: use auto, en or ja.") % {"lang": lang}
    if errors:
        raise ValidationError(errors)
    team_id = postmortem.team_id if postmortem is not None else None
    findings = lint_text(
        text,
        lang=lang,
        vocabulary=vocabulary_for(team_id),
        people=people_of(postmortem) if postmortem is not None else (),
        section_key=section_key,
        ui_lang=ui_lang if ui_lang in UI_LANGUAGES else "en",
    )
    dismissals = _dismissals(postmortem) if postmortem is not None else {}
    return [(finding, dismissals.get(finding.fingerprint)) for finding in findings]
