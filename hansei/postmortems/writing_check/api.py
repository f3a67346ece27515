"""The writing check over the API: lint a text as it is typed (the editor underlines from
this), a postmortem's findings, and dismissing or restoring a finding with a reason.

Offsets: ``start``/``end`` are Python ``str`` indexes, ``start_utf16``/``end_utf16`` are
UTF-16 code units (what JavaScript and CodeMirror count), into the text sent or, for a
postmortem, into the section's stored text. Messages are in the user's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.models import User
from hansei.lint import Finding, detect_language
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.writing_check import services as lint_services
from hansei.postmortems.writing_check.models import LintDismissal
from hansei.postmortems.writing_check.queries import (
    MAX_LINT_CHARS,
    Utf16Offsets,
    lint_postmortem_for,
    lint_section_text,
    ui_language,
)

router = Router(tags=["writing check"])


class LintIn(Schema):
    text: str = Field(description=f"At most {MAX_LINT_CHARS:,} characters.")
    lang: str = Field("auto", description="The text's language: auto, en or ja.")
    postmortem: int | None = Field(
        None, description="Use this postmortem's team vocabulary, people and dismissals."
    )
    section: str = Field("", description="The section's key: part of each fingerprint.")


class DismissalBrief(Schema):
    id: int
    reason: str
    by: str | None = Field(description="The name of who dismissed it (null: a former user).")
    at: datetime


class FindingOut(Schema):
    rule: str
    severity: str
    message: str
    explanation: str
    suggestion: str
    start: int
    end: int
    start_utf16: int
    end_utf16: int
    text: str
    fingerprint: str
    section: str
    dismissed: bool
    dismissal: DismissalBrief | None


class LintOut(Schema):
    lang: str = Field(description="The text's language (detected when auto was asked).")
    ui_lang: str = Field(description="The language of the messages.")
    findings: list[FindingOut]


class PostmortemLintOut(Schema):
    open: list[FindingOut]
    dismissed: list[FindingOut]


class DismissalIn(Schema):
    fingerprint: str = Field("", description="As the finding gave it (checked).")
    rule: str
    section: str = ""
    text: str = ""
    reason: str = Field("", description=f"Required, at most {lint_services.MAX_REASON_CHARS}.")


class DismissalOut(Schema):
    id: int
    fingerprint: str
    rule: str
    section: str
    text: str
    reason: str
    by: str | None
    at: datetime


def _by(user: User | None) -> str | None:
    return user.name if user is not None else None


def dismissal_brief(row: LintDismissal) -> dict[str, Any]:
    return {"id": row.pk, "reason": row.reason, "by": _by(row.dismissed_by), "at": row.created_at}


def dismissal_out(row: LintDismissal) -> dict[str, Any]:
    return {
        **dismissal_brief(row),
        "fingerprint": row.fingerprint,
        "rule": row.rule_id,
        "section": row.section_key,
        "text": row.text,
    }


def finding_out(
    finding: Finding, utf16: Utf16Offsets, dismissal: LintDismissal | None = None
) -> dict[str, Any]:
    return {
        "rule": finding.rule_id,
        "severity": finding.severity,
        "message": finding.message,
        "explanation": finding.explanation,
        "suggestion": finding.suggestion,
        "start": finding.start,
        "end": finding.end,
        "start_utf16": utf16(finding.start),
        "end_utf16": utf16(finding.end),
        "text": finding.text,
        "fingerprint": finding.fingerprint,
        "section": finding.section_key,
        "dismissed": dismissal is not None,
        "dismissal": dismissal_brief(dismissal) if dismissal is not None else None,
    }


def _ui_lang(request: HttpRequest, actor: User) -> str:
    return ui_language(actor, getattr(request, "LANGUAGE_CODE", ""))


def _lint_postmortem(request: HttpRequest, pk: int) -> Postmortem:
    """The postmortem if the actor may read its writing check: 404 if they cannot read it,
    403 if they read it but not its draft's findings."""
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    access.require(
        access.can_view_lint_findings(actor, postmortem),
        _("Only the postmortem's team, its reviewers and admins see its writing check."),
    )
    return postmortem


@router.post("/lint", response=LintOut, summary="Check a text for blame (as it is typed)")
def lint_text(request: HttpRequest, payload: LintIn) -> dict[str, Any]:
    actor = actor_of(request)
    postmortem = (
        _lint_postmortem(request, payload.postmortem) if payload.postmortem is not None else None
    )
    ui_lang = _ui_lang(request, actor)
    found = lint_section_text(
        payload.text,
        postmortem=postmortem,
        section_key=payload.section,
        lang=payload.lang,
        ui_lang=ui_lang,
    )
    utf16 = Utf16Offsets(payload.text)
    lang = payload.lang if payload.lang != "auto" else detect_language(payload.text)
    return {
        "lang": lang,
        "ui_lang": ui_lang,
        "findings": [finding_out(finding, utf16, row) for finding, row in found],
    }


@router.get(
    "/postmortems/{int:pk}/lint",
    response=PostmortemLintOut,
    summary="A postmortem's writing check: open and dismissed findings",
)
def postmortem_lint(request: HttpRequest, pk: int) -> dict[str, Any]:
    postmortem = _lint_postmortem(request, pk)
    result = lint_postmortem_for(postmortem, ui_lang=_ui_lang(request, actor_of(request)))
    offsets = {key: Utf16Offsets(body) for key, body in result.bodies.items()}
    empty = Utf16Offsets("")

    def utf16(finding: Finding) -> Utf16Offsets:
        return offsets.get(finding.section_key, empty)

    return {
        "open": [finding_out(f, utf16(f)) for f in result.open],
        "dismissed": [finding_out(f, utf16(f), row) for f, row in result.dismissed],
    }


@router.post(
    "/postmortems/{int:pk}/lint/dismissals",
    response={201: DismissalOut},
    summary="Dismiss a finding, with the reason (again: change the reason)",
)
def create_lint_dismissal(request: HttpRequest, pk: int, payload: DismissalIn) -> Any:
    postmortem = _lint_postmortem(request, pk)
    dismissal = lint_services.dismiss_finding(
        actor=actor_of(request),
        postmortem=postmortem,
        fingerprint=payload.fingerprint,
        rule_id=payload.rule,
        section_key=payload.section,
        text=payload.text,
        reason=payload.reason,
    )
    return Status(201, dismissal_out(dismissal))


@router.delete(
    "/postmortems/{int:pk}/lint/dismissals/{int:dismissal_id}",
    response={204: None},
    summary="Withdraw a dismissal: the finding is open again",
)
def delete_lint_dismissal(request: HttpRequest, pk: int, dismissal_id: int) -> Any:
    postmortem = _lint_postmortem(request, pk)
    dismissal = get_object_or_404(postmortem.lint_dismissals, pk=dismissal_id)
    lint_services.restore_finding(actor=actor_of(request), dismissal=dismissal)
    return Status(204, None)
