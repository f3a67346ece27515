"""The draft's history pages: the list of versions, one version, two compared, a restore."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core.errors import InvalidState
from hansei.core.forms import service_error_text
from hansei.core.http import AuthedRequest
from hansei.postmortems.document.models import Postmortem, Revision
from hansei.postmortems.history import services
from hansei.postmortems.history.diff import compare_documents
from hansei.postmortems.history.models import Version, VersionReason
from hansei.postmortems.history.tracked import compare_parts
from hansei.postmortems.template_library.models import SectionKind

CURRENT = "current"


def _postmortem_with_history(request: AuthedRequest, pk: int) -> Postmortem:
    """The postmortem if the user may see its versions; 404 otherwise (as for a draft)."""
    postmortem = access.get_postmortem_for_user(request.user, pk)
    if not access.can_view_versions(request.user, postmortem):
        raise Http404
    return postmortem


def _revisions_by_version(
    versions: list[Version], revisions: list[Revision]
) -> dict[int, Revision]:
    """Which published revision each "published" version is. Matched from the newest, since
    revisions published before versions were kept have no version."""
    published = [v for v in versions if v.reason == VersionReason.PUBLISHED]
    newest_first = sorted(revisions, key=lambda r: -r.number)
    return {v.number: r for v, r in zip(published, newest_first, strict=False)}


def _history_context(postmortem: Postmortem, **extra: Any) -> dict[str, Any]:
    versions = list(postmortem.versions.select_related("actor").order_by("-number"))
    revisions = list(postmortem.revisions.order_by("-number"))
    return {
        "postmortem": postmortem,
        "versions": versions,
        "revision_of": _revisions_by_version(versions, revisions),
        "revisions": revisions,
        "default_from": versions[1].number if len(versions) > 1 else None,
        "default_to": versions[0].number if versions else CURRENT,
        **extra,
    }


@login_required
def history(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    if not access.can_view_versions(request.user, postmortem):
        # While the team amends it, other readers keep to what was published.
        return redirect("postmortems:revisions", pk=pk)
    return render(request, "postmortems/history/history.html", _history_context(postmortem))


def _text_titles(postmortem: Postmortem) -> dict[str, str]:
    """The text sections' titles by key, in order. Versions keep text only: timeline entries
    and action items are rows with their own history, not part of a comparison."""
    sections = postmortem.sections.filter(kind=SectionKind.MARKDOWN).order_by("position", "id")
    return dict(sections.values_list("key", "title"))


@login_required
def version_detail(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    postmortem = _postmortem_with_history(request, pk)
    version = get_object_or_404(
        Version.objects.select_related("actor"), postmortem=postmortem, number=number
    )
    now = services.current_text(postmortem)
    sections = [
        {
            "key": section.key,
            "title": section.title,
            "body": version.sections[section.key],
            "restorable": section.kind == SectionKind.MARKDOWN,
            "same_as_now": version.sections[section.key] == now.sections.get(section.key),
        }
        for section in postmortem.sections.order_by("position", "id")
        if section.key in version.sections
        and (section.kind == SectionKind.MARKDOWN or version.sections[section.key].strip())
    ]
    numbers = postmortem.versions.values_list("number", flat=True)
    return render(
        request,
        "postmortems/history/version.html",
        {
            "postmortem": postmortem,
            "version": version,
            "sections": sections,
            "title_changed": version.title != now.title,
            "can_restore": access.can_change_draft(request.user, postmortem),
            "can_edit": access.can_edit_postmortem(request.user, postmortem),
            "previous": numbers.filter(number__lt=number).order_by("-number").first(),
            "next": numbers.filter(number__gt=number).order_by("number").first(),
        },
    )


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a version, or the current text (``version`` None)."""

    version: Version | None
    title: str
    sections: dict[str, str]
    parts: dict[str, Any]

    @property
    def order(self) -> float:
        return self.version.number if self.version else float("inf")

    @property
    def label(self) -> str:
        """Like "v3 (Submitted for review, 2025-04-01 10:12)", in the reader's time zone."""
        if self.version is None:
            return _("Current text")
        return _("v%(n)s (%(reason)s, %(when)s)") % {
            "n": self.version.number,
            "reason": self.version.get_reason_display(),
            "when": date_format(timezone.localtime(self.version.created_at), "Y-m-d H:i"),
        }


def _side(postmortem: Postmortem, value: str) -> Side | None:
    """The side named by a query parameter; None when it names nothing (a 400)."""
    if value == CURRENT:
        now = services.current_text(postmortem)
        return Side(version=None, title=now.title, sections=now.sections, parts=now.parts)
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        return None
    version = get_object_or_404(
        Version.objects.select_related("actor"), postmortem=postmortem, number=int(value)
    )
    return Side(
        version=version, title=version.title, sections=version.sections, parts=version.parts
    )


@login_required
def version_compare(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = _postmortem_with_history(request, pk)
    older = _side(postmortem, request.GET.get("from", ""))
    newer = _side(postmortem, request.GET.get("to", ""))
    if older is None or newer is None:
        error = _("Choose two versions to compare.")
        return render(
            request,
            "postmortems/history/history.html",
            _history_context(postmortem, error=error),
            status=400,
        )
    if older.order > newer.order:  # read from the older to the newer whichever way picked
        older, newer = newer, older
    titles = _text_titles(postmortem)
    diff = compare_documents(
        older.title,
        {key: text for key, text in older.sections.items() if key in titles},
        newer.title,
        {key: text for key, text in newer.sections.items() if key in titles},
        titles,
        title_label=_("Title"),
    )
    parts_diff = compare_parts(older.parts, newer.parts)
    context = _history_context(
        postmortem,
        older=older,
        newer=newer,
        diff=diff,
        parts_diff=parts_diff,
        parts_groups=[
            (_("Timeline"), parts_diff.timeline),
            (_("Action items"), parts_diff.action_items),
            (_("Impact in numbers"), parts_diff.figures),
        ],
    )
    return render(request, "postmortems/history/version_compare.html", context)


@login_required
@require_POST
def version_restore(request: AuthedRequest, pk: int, number: int, key: str) -> HttpResponse:
    postmortem = _postmortem_with_history(request, pk)
    version = get_object_or_404(Version, postmortem=postmortem, number=number)
    if key not in version.sections:
        raise Http404(_("This version has no such section."))
    try:
        services.restore_section(
            actor=request.user, postmortem=postmortem, version=version, key=key
        )
    except (ValidationError, InvalidState) as error:
        messages.error(request, service_error_text(error))
        return redirect("postmortems:version", pk=pk, number=number)
    title = postmortem.sections.get(key=key).title
    messages.success(
        request, _("Restored “%(title)s” from version %(n)s.") % {"title": title, "n": number}
    )
    return redirect(reverse("postmortems:detail", args=[pk]) + f"#section-{key}")
