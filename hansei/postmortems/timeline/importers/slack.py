"""Slack channel exports: the .zip, or one day file (a JSON list of messages) with the
export's users.json to turn user ids into names."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from typing import Any

from hansei.postmortems.timeline.importers.common import MAX_BYTES, ChatLine, ParseError, clip

# Messages that say nothing about the incident.
SKIPPED_SUBTYPES = {
    "channel_join",
    "channel_leave",
    "channel_purpose",
    "channel_name",
    "channel_archive",
    "group_join",
    "group_leave",
}
_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|(?P<label>[^>]+))?>")
_CHANNEL = re.compile(r"<#[A-Z0-9]+\|(?P<name>[^>]+)>")
_SPECIAL = re.compile(r"<!(?P<name>here|channel|everyone)(?:\|[^>]*)?>")
_LINK = re.compile(r"<(?P<url>(?:https?|mailto):[^|>]+)(?:\|(?P<label>[^>]+))?>")


def user_names(users_json: str) -> dict[str, str]:
    """users.json (a list of users) as id → the name people know them by."""
    if not users_json.strip():
        return {}
    try:
        users = json.loads(users_json)
    except json.JSONDecodeError as error:
        raise ParseError(f"users.json is not valid JSON (line {error.lineno}).") from error
    if not isinstance(users, list):
        raise ParseError("users.json must be a list of users.")
    names: dict[str, str] = {}
    for user in users:
        if isinstance(user, dict) and isinstance(user.get("id"), str):
            names[user["id"]] = _name_of(user) or user["id"]
    return names


def _name_of(user: dict[str, Any]) -> str:
    found = user.get("profile")
    profile: dict[str, Any] = found if isinstance(found, dict) else {}
    for value in (
        user.get("real_name"),
        profile.get("real_name"),
        profile.get("display_name"),
        user.get("name"),
    ):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def parse_day(text: str, *, users_json: str = "", name: str = "") -> list[ChatLine]:
    try:
        messages = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(
            f"The Slack file is not valid JSON (line {error.lineno}).", [error.lineno]
        ) from error
    if not isinstance(messages, list):
        raise ParseError("A Slack export day file is a JSON list of messages.")
    return _messages(messages, user_names(users_json))


def parse_zip(data: bytes) -> list[ChatLine]:
    """Every channel day file of a Slack export .zip (users.json at its root)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ParseError("The file is not a readable .zip archive.") from error
    with archive:
        if sum(info.file_size for info in archive.infolist()) > 10 * MAX_BYTES:
            raise ParseError("The export is too large once unpacked.")
        files = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        users = archive.read("users.json").decode("utf-8") if "users.json" in files else ""
        names = user_names(users)
        lines: list[ChatLine] = []
        for filename in sorted(files):
            if "/" not in filename or not filename.endswith(".json"):
                continue  # root files (users.json, channels.json...) are not messages
            try:
                messages = json.loads(archive.read(filename).decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise ParseError(f"{filename} is not valid JSON.") from error
            if isinstance(messages, list):
                lines.extend(_messages(messages, names, offset=len(lines)))
    return lines


def _messages(messages: list[Any], names: dict[str, str], offset: int = 0) -> list[ChatLine]:
    lines: list[ChatLine] = []
    failed: list[int] = []
    for number, message in enumerate(messages, start=offset + 1):
        if not isinstance(message, dict) or message.get("type", "message") != "message":
            continue
        if message.get("subtype") in SKIPPED_SUBTYPES:
            continue
        try:
            at = datetime.fromtimestamp(float(message["ts"]), tz=UTC)
        except (KeyError, TypeError, ValueError, OverflowError, OSError):  # "ts": "1e400"
            failed.append(number)
            continue
        text = render_text(str(message.get("text") or ""), names)
        if not text.strip():
            continue  # a file or a reaction without words
        lines.append(ChatLine(number, at, _author(message, names), clip(text)))
    if failed:
        raise ParseError("Some Slack messages have no readable time (ts).", failed)
    return lines


def _author(message: dict[str, Any], names: dict[str, str]) -> str:
    user = message.get("user")
    if isinstance(user, str) and user in names:
        return names[user]
    profile = message.get("user_profile")
    if isinstance(profile, dict):
        name = _name_of(profile) or str(profile.get("name") or "")
        if name:
            return name
    for key in ("username", "bot_id"):
        if isinstance(message.get(key), str) and message[key]:
            return str(message[key])
    return user if isinstance(user, str) else ""


def render_text(text: str, names: dict[str, str]) -> str:
    """Slack's markup as plain text: mentions by name, links as "label (url)"."""
    text = _MENTION.sub(lambda m: "@" + names.get(m["id"], m["label"] or m["id"]), text)
    text = _CHANNEL.sub(lambda m: "#" + m["name"], text)
    text = _SPECIAL.sub(lambda m: "@" + m["name"], text)
    text = _LINK.sub(lambda m: f"{m['label']} ({m['url']})" if m["label"] else m["url"], text)
    return html.unescape(text)
