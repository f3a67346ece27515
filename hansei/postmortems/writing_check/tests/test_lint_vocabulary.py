"""The writing check's vocabulary is data: admins add phrases site-wide or per team in the
admin, without code, and a bad entry is a form error naming it."""

from __future__ import annotations

import json
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from hansei.accounts.tests.test_api import ApiClient
from hansei.postmortems.writing_check.models import LintDismissal, LintVocabulary
from hansei.postmortems.writing_check.queries import vocabulary_for

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/postmortems/lintvocabulary/add/"
TEXT = "The migration was pure yak-shaving."


def _phrases(*phrases: Any) -> str:
    return json.dumps({"phrases": {"judgemental": {"en": list(phrases)}}})


def _flagged(user: Any, postmortem: Any = None) -> list[str]:
    payload = {"text": TEXT, "postmortem": postmortem.pk if postmortem else None}
    response = ApiClient(user).post("/lint", payload)
    assert response.status_code == 200, response.content
    return [f["text"] for f in response.json()["findings"]]


@pytest.fixture
def search_postmortem(
    charlie: Any, search_team: Any, make_postmortem: Any, make_incident: Any
) -> Any:
    incident = make_incident(actor=charlie, team=search_team)
    return make_postmortem(actor=charlie, incident=incident)


def test_it_uses_a_phrase_an_admin_adds_for_a_team_only_in_that_team(
    client: Any,
    ada: Any,
    alice: Any,
    charlie: Any,
    payments: Any,
    make_postmortem: Any,
    search_postmortem: Any,
) -> None:
    payments_postmortem = make_postmortem()
    assert _flagged(alice, payments_postmortem) == []
    client.force_login(ada)
    response = client.post(ADD_URL, {"team": payments.pk, "data": _phrases("yak-shaving")})
    assert response.status_code == 302, response.content.decode()
    row = LintVocabulary.objects.get()
    assert row.team == payments and row.updated_by == ada
    assert row.data == {"phrases": {"judgemental": {"en": ["yak-shaving"]}}}

    assert _flagged(alice, payments_postmortem) == ["yak-shaving"]
    assert _flagged(charlie, search_postmortem) == []
    assert _flagged(alice) == []  # no postmortem: the site-wide vocabulary only


def test_it_uses_the_site_wide_vocabulary_everywhere(
    client: Any, ada: Any, charlie: Any, search_postmortem: Any
) -> None:
    client.force_login(ada)
    response = client.post(ADD_URL, {"team": "", "data": _phrases({"regex": r"yak[- ]shav\w+"})})
    assert response.status_code == 302
    assert LintVocabulary.objects.get().team is None
    assert _flagged(charlie, search_postmortem) == ["yak-shaving"]
    assert _flagged(charlie) == ["yak-shaving"]


def test_it_merges_the_site_wide_and_the_teams_vocabularies(payments: Any) -> None:
    LintVocabulary.objects.create(team=None, data={"people": ["Kestrel"]})
    LintVocabulary.objects.create(team=payments, data={"people": ["Osprey"]})
    assert vocabulary_for(payments).people == ("Kestrel", "Osprey")
    assert vocabulary_for(None).people == ("Kestrel",)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_phrases({"regex": "(unclosed"}), 'phrases["judgemental"]["en"][0]: invalid regular'),
        (_phrases({"regex": "x*"}), "matches empty text"),
        (
            json.dumps({"phrases": {"no-such-rule": {"en": ["x"]}}}),
            "rule 'no-such-rule' takes no phrases",
        ),
        (json.dumps({"words": []}), "unknown key(s): words"),
        ("[1, 2]", "a vocabulary is a JSON object"),
        ("{not json", "Enter a valid JSON."),
    ],
)
def test_it_refuses_a_bad_entry_with_a_form_error(
    client: Any, ada: Any, payments: Any, data: str, message: str
) -> None:
    client.force_login(ada)
    response = client.post(ADD_URL, {"team": payments.pk, "data": data})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist' in html and message in unescape(html)
    assert not LintVocabulary.objects.exists()


def test_it_keeps_one_vocabulary_per_team_and_one_site_wide(
    client: Any, ada: Any, payments: Any
) -> None:
    LintVocabulary.objects.create(team=payments, data={})
    LintVocabulary.objects.create(team=None, data={})
    client.force_login(ada)
    for team in (payments.pk, ""):
        response = client.post(ADD_URL, {"team": team, "data": "{}"})
        assert response.status_code == 200
        assert "There is already a vocabulary for this team" in response.content.decode()
    assert LintVocabulary.objects.count() == 2


def test_it_saves_an_empty_box_as_an_empty_vocabulary(client: Any, ada: Any, payments: Any) -> None:
    client.force_login(ada)
    response = client.post(ADD_URL, {"team": payments.pk, "data": ""})
    assert response.status_code == 302
    assert LintVocabulary.objects.get().data == {}


def test_it_shows_the_example_and_lists_dismissals_read_only(
    client: Any, ada: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    LintDismissal.objects.create(
        postmortem=postmortem, fingerprint="f", rule_id="judgemental", text="sloppy",
        reason="A quote from the vendor.", dismissed_by=alice,
    )  # fmt: skip
    client.force_login(ada)
    form = client.get(ADD_URL).content.decode()
    assert "cowboy" in form and "action-training-only" in form
    listing = client.get(reverse("admin:postmortems_lintdismissal_changelist"))
    assert listing.status_code == 200 and "A quote from the vendor." in listing.content.decode()
    assert client.get("/admin/postmortems/lintdismissal/add/").status_code == 403


def test_it_ignores_a_broken_row_saved_around_the_admin(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    LintVocabulary.objects.create(
        team=None, data={"phrases": {"judgemental": {"en": [{"regex": "("}]}}}
    )
    LintVocabulary.objects.create(team=postmortem.team, data=json.loads(_phrases("yak-shaving")))
    assert _flagged(alice, postmortem) == ["yak-shaving"]
