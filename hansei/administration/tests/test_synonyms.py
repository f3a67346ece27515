"""The admins' search synonyms page: add a line, see searches use it, remove it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from hansei.search.models import Synonym

PAGE = "/manage/search/"


def test_an_admin_adds_and_removes_a_synonym(client: Client, ada: Any) -> None:
    client.force_login(ada)

    response = client.post(PAGE, {"words": "PSP, payment service provider"})

    assert response.status_code == 302
    synonym = Synonym.objects.get()
    assert synonym.words == "PSP, payment service provider"
    assert synonym.created_by == ada
    page = client.get(PAGE).content.decode()
    assert "PSP, payment service provider" in page
    assert "cert, certificate" in page  # the built-in list is shown too

    assert client.post(f"{PAGE}{synonym.pk}/delete/").status_code == 302
    assert not Synonym.objects.exists()


def test_a_single_word_is_a_form_error(client: Client, ada: Any) -> None:
    client.force_login(ada)

    response = client.post(PAGE, {"words": "PSP"})

    assert response.status_code == 400
    assert "at least two different words" in response.content.decode()
    assert not Synonym.objects.exists()


def test_only_admins_may_change_synonyms(client: Client, alice: Any) -> None:
    client.force_login(alice)

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"words": "PSP, payment provider"}).status_code == 403
    assert not Synonym.objects.exists()
