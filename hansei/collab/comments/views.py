"""The comment panel: threads on a postmortem, as an htmx fragment or a page of its own (so
it works without JavaScript too), and the forms that start, answer, resolve and reopen them.

The postmortem page shows the same panel with ``{% load comment_fragments %}{% comment_panel
postmortem %}``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from hansei import access
from hansei.collab.comments import services
from hansei.collab.comments.anchors import AnchorRange, locate_threads
from hansei.collab.comments.models import MAX_COMMENT_CHARS, Comment, CommentThread, ThreadStatus
from hansei.collab.comments.queries import mentioned_but_not_told
from hansei.core import htmx
from hansei.core.http import AuthedRequest, is_htmx
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.template_library.models import SectionKind

NEW_THREAD_FIELDS = ("section_key", "anchor_start", "anchor_end", "quote", "body")
SHOW_RESOLVED = "resolved"


@dataclass
class ThreadView:
    thread: CommentThread
    comments: list[Comment]
    section_title: str
    located: AnchorRange | None
    can_resolve: bool
    reply_body: str = ""
    reply_errors: list[str] = field(default_factory=list)

    @property
    def orphaned(self) -> bool:
        return self.located is not None and self.located.orphaned

    @property
    def is_resolved(self) -> bool:
        return self.thread.status == ThreadStatus.RESOLVED


def _thread_views(request: AuthedRequest, postmortem: Postmortem, show: str) -> list[ThreadView]:
    status = ThreadStatus.RESOLVED if show == SHOW_RESOLVED else ThreadStatus.OPEN
    threads = list(
        access.comment_threads_visible_to(request.user, postmortem)
        .filter(status=status)
        .select_related("created_by", "resolved_by")
        .prefetch_related("comments__author")
    )
    sections = postmortem.sections.filter(kind=SectionKind.MARKDOWN).order_by("position", "id")
    order = {s.key: (i, s.title) for i, s in enumerate(sections)}
    located = locate_threads(postmortem.pk, threads)
    views = []
    for thread in threads:
        thread.postmortem = postmortem
        views.append(
            ThreadView(
                thread=thread,
                comments=list(thread.comments.all()),
                section_title=order.get(thread.section_key, (0, thread.section_key))[1],
                located=located.get(thread.pk),
                can_resolve=access.can_resolve_comment_thread(request.user, thread),
            )
        )

    def position(view: ThreadView) -> tuple[int, float, Any]:
        section = order.get(view.thread.section_key, (-1, ""))[0]
        start = view.located.start if view.located and not view.orphaned else math.inf
        return (section, start, view.thread.created_at)

    if status == ThreadStatus.RESOLVED:  # the latest resolved first
        return sorted(views, key=lambda v: v.thread.resolved_at or v.thread.created_at)[::-1]
    return sorted(views, key=position)


def not_told_text(usernames: list[str]) -> str:
    names = ", ".join(f"@{name}" for name in usernames)
    return ngettext(
        "%(names)s was not told: they cannot read this postmortem.",
        "%(names)s were not told: they cannot read this postmortem.",
        len(usernames),
    ) % {"names": names}


def comment_panel_context(
    request: AuthedRequest,
    postmortem: Postmortem,
    *,
    new_values: dict[str, str] | None = None,
    new_errors: dict[str, list[str]] | None = None,
    reply: tuple[int, str, list[str]] | None = None,
    error: str = "",
    not_told: list[str] | None = None,
) -> dict[str, Any]:
    """What ``collab/comments/_comment_panel.html`` shows, under the one key ``comment_panel``.

    ``new_values``/``new_errors``: a new-thread form sent back with its errors; ``reply``:
    (thread id, body, errors) of a reply that failed; ``error``: why a resolve or reopen
    was refused."""
    show = SHOW_RESOLVED if request.GET.get("comments") == SHOW_RESOLVED else "open"
    threads = _thread_views(request, postmortem, show)
    for view in threads:
        if reply and reply[0] == view.thread.pk:
            view.reply_body, view.reply_errors = reply[1], reply[2]
    visible = access.comment_threads_visible_to(request.user, postmortem)
    errors = new_errors or {}
    return {
        "comment_panel": {
            "postmortem": postmortem,
            "show": show,
            "query": f"?comments={SHOW_RESOLVED}" if show == SHOW_RESOLVED else "",
            "threads": threads,
            "open_count": visible.filter(status=ThreadStatus.OPEN).count(),
            "resolved_count": visible.filter(status=ThreadStatus.RESOLVED).count(),
            "new": new_values or {},
            "new_errors": errors,
            "hidden_errors": [
                m
                for name in ("section_key", "anchor_start", "anchor_end", "quote", "__all__")
                for m in errors.get(name, [])
            ],
            "error": error,
            "not_told": not_told_text(not_told) if not_told else "",
            "max_chars": MAX_COMMENT_CHARS,
        }
    }


PANEL = "collab/comments/_comment_panel.html"


def _answer(
    request: AuthedRequest,
    postmortem: Postmortem,
    outcome: htmx.Outcome,
    thread: CommentThread | None,
    *,
    posted: Comment | None = None,
    **refused: Any,
) -> HttpResponse:
    """The panel (htmx); else back to the thread on the page, or, after a refusal, the
    comments page with what was written and why it was refused (``refused``). ``posted``:
    the comment just written, whose writer hears at once of anyone it mentions in vain."""
    back = reverse("postmortems:detail", args=[postmortem.pk])
    not_told = mentioned_but_not_told(posted) if outcome.ok and posted else []
    if not_told and not is_htmx(request):
        messages.warning(request, not_told_text(not_told))
    return htmx.answer(
        request,
        outcome,
        fragment=PANEL,
        context=lambda: comment_panel_context(
            request, postmortem, **({"not_told": not_told} if outcome.ok else refused)
        ),
        back=f"{back}#thread-{thread.pk}" if thread else back,
        page=lambda context, status: render(
            request, "collab/comments/comments_page.html", context, status=status
        ),
    )


@login_required
@require_GET
def comment_panel(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    context = comment_panel_context(request, postmortem)
    page = PANEL if is_htmx(request) else "collab/comments/comments_page.html"
    return render(request, page, context)


@login_required
@require_POST
def new_thread(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    values = {name: request.POST.get(name, "") for name in NEW_THREAD_FIELDS}
    outcome = htmx.attempt(
        lambda: services.start_comment_thread(actor=request.user, postmortem=postmortem, **values)
    )
    thread = outcome.result
    return _answer(
        request,
        postmortem,
        outcome,
        thread,
        posted=thread.comments.order_by("id").first() if thread else None,
        new_values=values,
        new_errors=outcome.errors,
    )


@login_required
@require_POST
def reply(request: AuthedRequest, pk: int, thread_id: int) -> HttpResponse:
    thread = access.get_comment_thread_for_user(request.user, pk, thread_id)
    body = request.POST.get("body", "")
    outcome = htmx.attempt(
        lambda: services.reply_to_comment_thread(actor=request.user, thread=thread, body=body)
    )
    errors = [message for messages in outcome.errors.values() for message in messages]
    return _answer(
        request,
        thread.postmortem,
        outcome,
        thread,
        posted=outcome.result,
        reply=(thread.pk, body, errors),
    )


def _change_status(request: AuthedRequest, pk: int, thread_id: int, resolve: bool) -> HttpResponse:
    thread = access.get_comment_thread_for_user(request.user, pk, thread_id)
    change = services.resolve_comment_thread if resolve else services.reopen_comment_thread
    outcome = htmx.attempt(lambda: change(actor=request.user, thread=thread))
    return _answer(request, thread.postmortem, outcome, thread, error=outcome.error)


@login_required
@require_POST
def resolve(request: AuthedRequest, pk: int, thread_id: int) -> HttpResponse:
    return _change_status(request, pk, thread_id, resolve=True)


@login_required
@require_POST
def reopen(request: AuthedRequest, pk: int, thread_id: int) -> HttpResponse:
    return _change_status(request, pk, thread_id, resolve=False)
