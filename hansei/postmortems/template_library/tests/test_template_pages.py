"""Admins edit templates; new drafts copy them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hansei.postmortems.template_library.models import Template

pytestmark = pytest.mark.django_db


def test_it_ships_the_sre_book_and_japanese_templates(builtin_data: None) -> None:
    sre = Template.objects.get(name="SRE book")
    keys = list(sre.sections.values_list("key", flat=True))
    assert keys[:3] == ["summary", "impact", "root_causes"]
    assert {"trigger", "went_well", "went_wrong", "got_lucky", "glossary"} <= set(keys)
    ja = Template.objects.get(language="ja")
    titles = list(ja.sections.values_list("title", flat=True))
    assert "原因分析（根本原因・発生原因）" in titles and "今後のアクションリスト" in titles


def test_it_lets_an_admin_create_a_template(client: Any, ada: Any, builtin_data: None) -> None:
    client.force_login(ada)
    response = client.post(
        reverse("postmortems:template_new"),
        {
            "name": "Security incident",
            "language": "en",
            "rows": 3,
            "s0-title": "Summary",
            "s0-kind": "markdown",
            "s0-required": "on",
            "s1-title": "Exposure window",
            "s1-kind": "markdown",
            "s2-title": "Follow-ups",
            "s2-kind": "action_items",
        },
    )
    assert response.status_code == 302
    template = Template.objects.get(name="Security incident")
    assert list(template.sections.values_list("key", "kind")) == [
        ("summary", "markdown"),
        ("exposure-window", "markdown"),
        ("follow-ups", "action_items"),
    ]


def test_it_refuses_duplicate_section_keys(client: Any, ada: Any, builtin_data: None) -> None:
    client.force_login(ada)
    response = client.post(
        reverse("postmortems:template_new"),
        {"name": "Dup", "language": "en", "rows": 2, "s0-title": "Impact", "s1-title": "Impact"},
    )
    assert response.status_code == 400
    assert "Two sections use the key" in response.content.decode()
    assert not Template.objects.filter(name="Dup").exists()


def test_it_keeps_templates_away_from_non_admins(client: Any, alice: Any) -> None:
    client.force_login(alice)
    assert client.get(reverse("postmortems:templates")).status_code == 403
