"""What the writing-check panel shows: open findings by section, the quality checks, the
dismissals (``lint_panel_context``), and the summaries on the submit-for-review page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from hansei import access
from hansei.core.http import AuthedRequest
from hansei.lint import Finding, blame_rule_ids
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.writing_check import services
from hansei.postmortems.writing_check.models import LintDismissal
from hansei.postmortems.writing_check.queries import lint_postmortem_for, ui_language

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PANEL_TEMPLATE = "postmortems/writing_check/_lint_panel.html"

# How the submit page names each rule in its summary: with a count for rules that can fire
# many times, without for the checks that fire at most once per postmortem.
COUNTED_LABELS: dict[str, StrOrPromise] = {
    "blame-person": ngettext_lazy("%(n)s blame on a person", "%(n)s blame on people", "n"),
    "counterfactual": ngettext_lazy("%(n)s counterfactual", "%(n)s counterfactuals", "n"),
    "human-error": ngettext_lazy(
        "%(n)s “human error” as a cause", "%(n)s “human error” as a cause", "n"
    ),
    "judgemental": ngettext_lazy("%(n)s judgemental wording", "%(n)s judgemental wordings", "n"),
    "section-empty": ngettext_lazy(
        "%(n)s empty required section", "%(n)s empty required sections", "n"
    ),
    "section-thin": ngettext_lazy("%(n)s very short section", "%(n)s very short sections", "n"),
    "action-vague": ngettext_lazy("%(n)s vague action item", "%(n)s vague action items", "n"),
    "action-no-owner": ngettext_lazy(
        "%(n)s action item without an owner", "%(n)s action items without an owner", "n"
    ),
    "action-no-due": ngettext_lazy(
        "%(n)s action item without a due date", "%(n)s action items without a due date", "n"
    ),
    "action-many-owners": ngettext_lazy(
        "%(n)s action item with several owners", "%(n)s action items with several owners", "n"
    ),
}
ONCE_LABELS: dict[str, StrOrPromise] = {
    "impact-no-numbers": gettext_lazy("impact without numbers"),
    "root-cause-missing": gettext_lazy("no root cause"),
    "root-cause-human-error": gettext_lazy("a root cause of only “human error”"),
    "trigger-not-separated": gettext_lazy("trigger not told apart from the root cause"),
    "action-items-missing": gettext_lazy("no action items"),
    "action-same-priority": gettext_lazy("every action item at the same priority"),
    "action-training-only": gettext_lazy("only training or reminders as actions"),
    "action-no-urgent": gettext_lazy("no P0 or P1 action for a user-visible outage"),
    "draft-overdue": gettext_lazy("the draft is past its due date"),
}


@dataclass
class FindingRow:
    """One finding as the panel shows it."""

    finding: Finding
    section_title: str
    dismissal: LintDismissal | None = None
    reason: str = ""  # a reason that was refused, sent back into its form
    error: str = ""

    @property
    def is_blame(self) -> bool:
        return self.finding.rule_id in blame_rule_ids()


def _ui_lang(request: AuthedRequest) -> str:
    return ui_language(request.user, getattr(request, "LANGUAGE_CODE", ""))


def _rows(
    request: AuthedRequest, postmortem: Postmortem, failed: tuple[str, str, str] | None
) -> tuple[list[FindingRow], list[FindingRow]]:
    result = lint_postmortem_for(postmortem, ui_lang=_ui_lang(request))
    order = {s.key: (s.position, s.title) for s in postmortem.sections.all()}
    fingerprint, reason, error = failed or ("", "", "")

    def row(finding: Finding, dismissal: LintDismissal | None = None) -> FindingRow:
        title = order.get(finding.section_key, (0, finding.section_key))[1]
        mine = dismissal is None and finding.fingerprint == fingerprint
        return FindingRow(finding, title, dismissal, reason if mine else "", error if mine else "")

    def position(r: FindingRow) -> tuple[int, int]:
        return (order.get(r.finding.section_key, (-1, ""))[0], r.finding.start)

    open_rows = sorted((row(f) for f in result.open), key=position)
    dismissed = sorted((row(f, d) for f, d in result.dismissed), key=position)
    return open_rows, dismissed


def _groups(blame: list[FindingRow], quality: list[FindingRow]) -> list[dict[str, Any]]:
    """Blame findings by section (the first group titled "Wording"), then the quality checks."""
    groups: dict[str, dict[str, Any]] = {}
    for r in blame:
        key = r.finding.section_key
        group = groups.setdefault(key, {"key": key, "title": r.section_title, "findings": []})
        group["findings"].append(r)
    wording = list(groups.values()) or [
        {"key": "", "findings": [], "empty": _("No blame found in the wording.")}
    ]
    wording[0]["heading"] = _("Wording")
    checks = {
        "key": "",
        "quality": True,
        "heading": _("Quality checks"),
        "findings": quality,
        "empty": "" if quality else _("Every quality check passes."),
    }
    return [*wording, checks]


def lint_panel_context(
    request: AuthedRequest,
    postmortem: Postmortem,
    *,
    failed: tuple[str, str, str] | None = None,
    error: str = "",
) -> dict[str, Any] | None:
    """What ``postmortems/_lint_panel.html`` shows (the template reads it as ``lint_panel``),
    or None when the user may not see the writing check. ``failed``: (fingerprint, reason,
    error) of a dismissal that was refused, shown back on its finding."""
    if not access.can_view_lint_findings(request.user, postmortem):
        return None
    open_rows, dismissed = _rows(request, postmortem, failed)
    blame = [r for r in open_rows if r.is_blame]
    quality = [r for r in open_rows if not r.is_blame]
    if failed and not any(r.error for r in open_rows):
        error = error or failed[2]  # the finding is gone: say why at the top
    return {
        "postmortem": postmortem,
        "groups": _groups(blame, quality),
        "quality": quality,
        "blame_open": blame,
        "dismissed": dismissed,
        "open_count": len(open_rows),
        "dismissed_count": len(dismissed),
        "summary": open_summary(open_rows),
        "can_dismiss": postmortem.is_editable
        and access.can_dismiss_lint_finding(request.user, postmortem),
        "error": error,
        "max_reason": services.MAX_REASON_CHARS,
    }


def open_summary(rows: list[FindingRow]) -> list[str]:
    """Counts of open findings by rule, in words: "2 blame on people", "no action items"."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.finding.rule_id] = counts.get(r.finding.rule_id, 0) + 1
    parts = []
    for rule_id, n in counts.items():
        if rule_id in COUNTED_LABELS:
            parts.append(str(COUNTED_LABELS[rule_id] % {"n": n}))
        elif rule_id in ONCE_LABELS:
            parts.append(str(ONCE_LABELS[rule_id]))
        else:  # a rule added to the catalog later
            parts.append(f"{n} × {rule_id}")
    return parts


def submit_summary(request: AuthedRequest, postmortem: Postmortem) -> dict[str, Any] | None:
    """The writing check in brief, for the submit-for-review page."""
    panel = lint_panel_context(request, postmortem)
    if panel is None:
        return None
    return {
        "open_count": panel["open_count"],
        "dismissed_count": panel["dismissed_count"],
        "summary": panel["summary"],
        "url": reverse("postmortems:detail", args=[postmortem.pk]) + "#lint-panel",
    }
