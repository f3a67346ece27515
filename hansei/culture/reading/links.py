"""What someone pastes to add a reading: one of our postmortems (its number, ``#12``, or its
address here) or an outside postmortem's public address."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

NUMBER = re.compile(r"#?(\d{1,12})")
MAX_LINK = 1000


@dataclass(frozen=True)
class Link:
    """``postmortem``: the id of one of ours; else ``url``, an outside address."""

    postmortem: int | None = None
    url: str = ""


def parse_link(text: str) -> Link:
    value = (text or "").strip()
    if not value:
        raise ValidationError(
            {"link": _("Paste a postmortem's number or address, or an outside link.")}
        )
    if len(value) > MAX_LINK:
        raise ValidationError({"link": _("At most %(n)s characters.") % {"n": MAX_LINK}})
    number = NUMBER.fullmatch(value)
    if number:
        return Link(postmortem=int(number.group(1)))
    parts = urlsplit(value)
    ours = urlsplit(settings.BASE_URL).netloc
    here = not parts.scheme and not parts.netloc and value.startswith("/")
    if here or (parts.scheme in {"http", "https"} and parts.netloc == ours):
        found = _postmortem_at(parts.path)
        if found is not None:
            return Link(postmortem=found)
        if here:
            raise ValidationError({"link": _("This is not a postmortem's address here.")})
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as exc:
        raise ValidationError({"link": _("Enter a web address starting with https://.")}) from exc
    return Link(url=value)


def _postmortem_at(path: str) -> int | None:
    try:
        match = resolve(path or "/")
    except Resolver404:
        return None
    if match.view_name == "postmortems:detail":
        return int(match.kwargs["pk"])
    return None
