"""The Japanese UI: chosen by the browser or by the user's own setting, and a complete catalogue."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "ja" / "LC_MESSAGES"
JAPANESE_NAV = [
    "マイワーク",
    "インシデント",
    "ポストモーテム",
    "アクションアイテム",
    "アーカイブ",
    "ポリシー",
]
ENGLISH_NAV = ["My work", "Incidents", "Postmortems", "Action items", "Archive", "Policy"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete `#~` entries and the header left out)."""
    entries: list[Entry] = []
    current, target = Entry(), ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current.msgid:
                entries.append(current)
            current, target = Entry(), ""
        elif line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if target == "msgstr":
                current.msgstrs[-1] += value
            else:
                setattr(current, target, (getattr(current, target) or "") + value)
        else:
            keyword, _, literal = line.partition(" ")
            value = ast.literal_eval(literal)
            if keyword.startswith("msgstr"):
                target = "msgstr"
                current.msgstrs.append(value)
            else:
                target = keyword
                setattr(current, keyword, value)
    return entries


def page(client: Client, url: str, **headers: Any) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def main_navigation(body: str) -> str:
    found = re.search(r'<nav class="mainnav".*?</nav>', body, re.S)
    assert found, "no main navigation on the page"
    return found.group(0)


@pytest.fixture
def japanese_browser() -> dict[str, str]:
    return {"HTTP_ACCEPT_LANGUAGE": "ja"}


def test_it_shows_japanese_navigation_to_a_browser_that_asks_for_japanese(
    client: Client, alice: Any, make_postmortem: Any, japanese_browser: dict[str, str]
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    pages = {
        reverse("home:my_work"): "今あなたの対応が必要なもの。",
        reverse("incidents:list"): "すべてのチーム",
        reverse("postmortems:detail", args=[postmortem.pk]): "レビューに提出",
        reverse("incidents:policy"): "ポストモーテムが必要になる条件",
    }
    for url, heading in pages.items():
        body = page(client, url, **japanese_browser)
        nav = main_navigation(body)
        for label in [*JAPANESE_NAV, "ログアウト"]:
            assert label in nav, (url, label)
        for label in ENGLISH_NAV:
            assert f">{label}<" not in nav, (url, label)
        assert heading in body, url


def test_it_sets_the_html_lang_attribute_to_japanese(
    client: Client, alice: Any, japanese_browser: dict[str, str]
) -> None:
    client.force_login(alice)
    body = page(client, reverse("home:my_work"), **japanese_browser)
    assert '<html lang="ja">' in body


def test_it_uses_plural_forms_in_japanese(
    client: Client, alice: Any, sev: Any, japanese_browser: dict[str, str]
) -> None:
    client.force_login(alice)
    body = page(client, reverse("incidents:policy"), **japanese_browser)
    due_days = sev(2).due_days
    unit = "営業日" if sev(2).due_in_business_days else "日"
    assert f"{due_days} {unit}" in body
    assert "business day" not in body


def test_it_shows_japanese_to_a_user_who_chose_japanese_even_with_an_english_browser(
    client: Client, alice: Any
) -> None:
    alice.language = "ja"
    alice.save(update_fields=["language"])
    client.force_login(alice)
    response = client.get(reverse("incidents:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert '<html lang="ja">' in body
    for label in JAPANESE_NAV:
        assert label in body
    assert response.headers["Content-Language"] == "ja"


def test_it_stays_english_by_default(client: Client, alice: Any) -> None:
    client.force_login(alice)
    for headers in ({}, {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}):
        body = page(client, reverse("home:my_work"), **headers)
        assert '<html lang="en">' in body
        for label in ENGLISH_NAV:
            assert label in body
        assert "マイワーク" not in body


def test_it_shows_the_sign_in_page_in_japanese_before_anyone_signs_in(
    client: Client, db: Any, japanese_browser: dict[str, str]
) -> None:
    body = page(client, reverse("accounts:login"), **japanese_browser)
    assert '<html lang="ja">' in body
    assert "ログイン" in body and "パスワード" in body


def test_the_japanese_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    entries = read_po(LOCALE / "django.po")
    assert len(entries) > 100
    untranslated = [e.msgid for e in entries if not e.msgstrs or not all(e.msgstrs)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_the_japanese_catalogue_keeps_every_placeholder() -> None:
    for entry in read_po(LOCALE / "django.po"):
        source = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for msgstr in entry.msgstrs:
            assert sorted(PLACEHOLDER.findall(msgstr)) == source, entry.msgid


def test_the_japanese_catalogue_has_one_plural_form() -> None:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text
    for entry in read_po(LOCALE / "django.po"):
        if entry.msgid_plural is not None:
            assert len(entry.msgstrs) == 1, entry.msgid


def test_the_compiled_catalogue_matches_the_po_file() -> None:
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in read_po(LOCALE / "django.po"):
        if entry.msgctxt is not None:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstrs[0], entry.msgid
        elif entry.msgid_plural is None:
            assert compiled.gettext(entry.msgid) == entry.msgstrs[0], entry.msgid
        else:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgstrs[0]
