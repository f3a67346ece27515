"""The Atom feed of published postmortems, at a private address per person: every
publication and amendment that person may read, newest first, from the published revisions
only (a draft or an amendment being written never appears)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.notifications.services import feed_owner
from hansei.postmortems.document.models import Revision

ENTRIES = 50


def _summary(snapshot: dict[str, Any]) -> str:
    """The first written section (the summary in every template), as plain text."""
    for section in snapshot.get("sections", []):
        if section.get("kind") == "markdown" and str(section.get("body", "")).strip():
            return Truncator(str(section["body"]).strip()).chars(600)
    return ""


class PublishedFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, token: str) -> User:
        owner = feed_owner(token)
        if owner is None:
            raise Http404  # never says whether the address existed
        return owner

    def title(self, user: User) -> str:
        return _("Published postmortems")

    def subtitle(self, user: User) -> str:
        return _("What %(name)s may read in Hansei, newest first.") % {"name": user.name}

    def link(self, user: User) -> str:
        return reverse("search:archive")

    def items(self, user: User) -> list[Revision]:
        readable = access.postmortems_visible_to(user)
        return list(
            Revision.objects.filter(postmortem__in=readable)
            .select_related("postmortem", "published_by")
            .order_by("-published_at", "-pk")[:ENTRIES]
        )

    def item_title(self, item: Revision) -> str:
        title = str(item.snapshot.get("title") or item.postmortem.title)
        if item.number > 1:
            return _("%(title)s (revision %(n)s)") % {"title": title, "n": item.number}
        return title

    def item_description(self, item: Revision) -> str:
        summary = _summary(item.snapshot)
        if item.change_note:
            return f"{_('What changed:')} {item.change_note}\n\n{summary}"
        return summary

    def item_link(self, item: Revision) -> str:
        return reverse("postmortems:revision", args=[item.postmortem_id, item.number])

    def item_guid(self, item: Revision) -> str:
        return f"urn:hansei:revision:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Revision) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Revision) -> datetime:
        return item.published_at

    def item_author_name(self, item: Revision) -> str:
        return str(item.snapshot.get("team") or "")

    def item_categories(self, item: Revision) -> list[str]:
        return [str(item.snapshot.get("team") or "")]
