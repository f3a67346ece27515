"""The writing check over the API: linting a text as it is typed, a postmortem's findings,
and dismissing or restoring a finding with a reason."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.lint import fingerprint
from hansei.postmortems.writing_check.models import LintDismissal

pytestmark = pytest.mark.django_db

BLAME = "Shipped 🚀. Kestrel broke the deploy."


@pytest.fixture
def kestrel(bob: Any) -> Any:
    """Bob goes by a name the linter cannot guess is a person's."""
    bob.display_name = "Kestrel Example"
    bob.save(update_fields=["display_name"])
    return bob


def _write(postmortem: Any, key: str, body: str) -> None:
    section = postmortem.sections.get(key=key)
    section.body = body
    section.save(update_fields=["body"])


def test_it_lints_a_text_without_a_postmortem(alice: Any) -> None:
    response = ApiClient(alice).post("/lint", {"text": "The engineer forgot to renew the cert."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["lang"] == "en"
    [finding] = body["findings"]
    assert finding["rule"] == "blame-person"
    assert finding["severity"] == "error"
    assert finding["text"] == "The engineer forgot to renew"
    assert (finding["start"], finding["end"]) == (0, len("The engineer forgot to renew"))
    assert finding["message"] == "A person is named as the cause of a failure."
    assert finding["explanation"] and finding["suggestion"]
    assert finding["fingerprint"] == fingerprint("blame-person", finding["text"], "")
    assert finding["section"] == ""
    assert finding["dismissed"] is False and finding["dismissal"] is None


def test_it_recognises_the_teams_people_only_with_the_postmortem(
    kestrel: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    api = ApiClient(kestrel)
    assert api.post("/lint", {"text": BLAME}).json()["findings"] == []
    body = api.post(
        "/lint", {"text": BLAME, "postmortem": postmortem.pk, "section": "summary"}
    ).json()
    [finding] = body["findings"]
    assert finding["rule"] == "blame-person"
    assert finding["text"] == "Kestrel broke"
    assert finding["section"] == "summary"


def test_it_gives_utf16_offsets_after_an_emoji(kestrel: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    response = ApiClient(kestrel).post("/lint", {"text": BLAME, "postmortem": postmortem.pk})
    [finding] = response.json()["findings"]
    start = BLAME.index("Kestrel")
    assert (finding["start"], finding["end"]) == (start, start + len("Kestrel broke"))
    # 🚀 is one Python character but two UTF-16 code units (a surrogate pair).
    assert (finding["start_utf16"], finding["end_utf16"]) == (start + 1, start + 14)
    utf16 = BLAME.encode("utf-16-le")
    text = utf16[finding["start_utf16"] * 2 : finding["end_utf16"] * 2].decode("utf-16-le")
    assert text == "Kestrel broke"


def test_it_answers_in_the_users_language_for_japanese_text(alice: Any) -> None:
    alice.language = "ja"
    alice.save(update_fields=["language"])
    response = ApiClient(alice).post("/lint", {"text": "担当者が確認を怠った。", "lang": "auto"})
    body = response.json()
    assert body["lang"] == "ja" and body["ui_lang"] == "ja"
    [finding] = body["findings"]
    assert finding["rule"] == "blame-person"
    assert finding["text"] == "担当者が確認を怠"
    assert finding["message"] == "人が失敗の原因として名指しされています。"


def test_it_answers_in_the_requests_language_without_a_user_setting(alice: Any) -> None:
    api = ApiClient(alice)
    response = api.client.post(
        "/api/v1/lint",
        data={"text": "The deploy was sloppy."},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="ja",
        **api._headers(),
    )
    [finding] = response.json()["findings"]
    assert finding["rule"] == "judgemental"
    assert finding["message"] == "評価的・感情的な表現です。"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "x" * 100_001}, "text"),
        ({"text": "Fine.", "lang": "fr"}, "lang"),
    ],
)
def test_it_refuses_bad_input(alice: Any, payload: dict[str, Any], field: str) -> None:
    assert_error(ApiClient(alice).post("/lint", payload), 400, field)


def test_it_hides_a_postmortem_from_outsiders(charlie: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    api = ApiClient(charlie)
    assert_error(api.post("/lint", {"text": BLAME, "postmortem": postmortem.pk}), 404)
    assert_error(api.get(f"/postmortems/{postmortem.pk}/lint"), 404)
    response = api.post(
        f"/postmortems/{postmortem.pk}/lint/dismissals",
        {"rule": "judgemental", "section": "summary", "text": "sloppy", "reason": "A quote."},
    )
    assert_error(response, 404)
    assert not LintDismissal.objects.exists()


def test_it_needs_a_session_csrf_token_or_a_token(client: Any, alice: Any) -> None:
    assert_error(client.post("/api/v1/lint", {"text": "x"}, content_type="application/json"), 401)
    csrf_client = type(client)(enforce_csrf_checks=True)
    csrf_client.force_login(alice)
    response = csrf_client.post("/api/v1/lint", {"text": "x"}, content_type="application/json")
    assert_error(response, 403)


def test_it_lists_a_postmortems_open_findings_with_the_quality_checks(
    kestrel: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    _write(postmortem, "root_causes", "Human error.")
    _write(postmortem, "summary", BLAME)
    response = ApiClient(kestrel).get(f"/postmortems/{postmortem.pk}/lint")
    assert response.status_code == 200, response.content
    body = response.json()
    rules = {(f["rule"], f["section"]) for f in body["open"]}
    assert ("blame-person", "summary") in rules
    assert ("root-cause-human-error", "root_causes") in rules
    assert ("action-items-missing", "action_items") in rules
    blame = next(f for f in body["open"] if f["rule"] == "blame-person")
    assert blame["start_utf16"] == blame["start"] + 1
    assert body["dismissed"] == []


def test_it_dismisses_a_finding_with_a_reason_and_marks_it_dismissed(
    kestrel: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    _write(postmortem, "summary", BLAME)
    api = ApiClient(kestrel)
    [finding] = api.post(
        "/lint", {"text": BLAME, "postmortem": postmortem.pk, "section": "summary"}
    ).json()["findings"]
    payload = {
        "fingerprint": finding["fingerprint"],
        "rule": finding["rule"],
        "section": "summary",
        "text": finding["text"],
        "reason": "Kestrel is the deploy bot's name.",
    }
    response = api.post(f"/postmortems/{postmortem.pk}/lint/dismissals", payload)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["fingerprint"] == finding["fingerprint"]
    assert (out["rule"], out["section"], out["text"]) == (
        "blame-person",
        "summary",
        "Kestrel broke",
    )
    assert out["reason"] == "Kestrel is the deploy bot's name."
    assert out["by"] == "Kestrel Example" and out["at"]
    row = LintDismissal.objects.get()
    assert (row.postmortem, row.dismissed_by, row.rule_id) == (postmortem, kestrel, "blame-person")

    # Later checks of the same text, by anyone on the team, say it is dismissed.
    [again] = (
        ApiClient(alice)
        .post(
            "/lint",
            {"text": "Another day. " + BLAME, "postmortem": postmortem.pk, "section": "summary"},
        )
        .json()["findings"]
    )
    assert again["dismissed"] is True
    assert again["dismissal"]["reason"] == "Kestrel is the deploy bot's name."
    assert again["dismissal"]["by"] == "Kestrel Example" and again["dismissal"]["id"] == row.pk
    listed = ApiClient(alice).get(f"/postmortems/{postmortem.pk}/lint").json()
    assert [f["rule"] for f in listed["dismissed"]] == ["blame-person"]
    assert listed["dismissed"][0]["dismissal"]["id"] == row.pk
    assert "blame-person" not in {f["rule"] for f in listed["open"]}

    # Dismissing it again changes the reason; it is still one dismissal.
    response = api.post(
        f"/postmortems/{postmortem.pk}/lint/dismissals", {**payload, "reason": "A bot."}
    )
    assert response.status_code == 201
    assert response.json()["id"] == row.pk
    assert LintDismissal.objects.get().reason == "A bot."

    # Withdrawn, the finding is open again.
    response = api.delete(f"/postmortems/{postmortem.pk}/lint/dismissals/{row.pk}")
    assert response.status_code == 204
    assert not LintDismissal.objects.exists()
    listed = api.get(f"/postmortems/{postmortem.pk}/lint").json()
    assert "blame-person" in {f["rule"] for f in listed["open"]}


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_it_refuses_a_dismissal_without_a_usable_reason(
    alice: Any, make_postmortem: Any, reason: str
) -> None:
    postmortem = make_postmortem()
    response = ApiClient(alice).post(
        f"/postmortems/{postmortem.pk}/lint/dismissals",
        {"rule": "judgemental", "section": "summary", "text": "sloppy", "reason": reason},
    )
    assert_error(response, 400, "reason")
    assert not LintDismissal.objects.exists()


def test_it_refuses_a_fingerprint_that_does_not_match(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    response = ApiClient(alice).post(
        f"/postmortems/{postmortem.pk}/lint/dismissals",
        {
            "fingerprint": "0123456789abcdef",
            "rule": "judgemental",
            "section": "summary",
            "text": "sloppy",
            "reason": "A quote.",
        },
    )
    assert_error(response, 400, "fingerprint")
    assert not LintDismissal.objects.exists()


def test_it_refuses_dismissals_from_readers(alice: Any, rita: Any, make_postmortem: Any) -> None:
    from hansei.reviews.services import submit_for_review

    postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    api = ApiClient(rita)
    assert api.get(f"/postmortems/{postmortem.pk}/lint").status_code == 200
    response = api.post(
        f"/postmortems/{postmortem.pk}/lint/dismissals",
        {"rule": "judgemental", "section": "summary", "text": "sloppy", "reason": "Fine."},
    )
    assert_error(response, 403)
    assert not LintDismissal.objects.exists()


def test_it_refuses_dismissals_once_in_review(alice: Any, rita: Any, make_postmortem: Any) -> None:
    from hansei.reviews.services import submit_for_review

    postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    response = ApiClient(alice).post(
        f"/postmortems/{postmortem.pk}/lint/dismissals",
        {"rule": "judgemental", "section": "summary", "text": "sloppy", "reason": "Fine."},
    )
    assert_error(response, 409)
    assert not LintDismissal.objects.exists()


def test_it_hides_the_writing_check_from_readers_of_the_published_postmortem(
    charlie: Any, published_postmortem: Any
) -> None:
    api = ApiClient(charlie)
    assert api.get(f"/postmortems/{published_postmortem.pk}").status_code == 200
    assert_error(api.get(f"/postmortems/{published_postmortem.pk}/lint"), 403)


def test_it_deletes_only_a_dismissal_of_that_postmortem(
    alice: Any, make_postmortem: Any, make_incident: Any
) -> None:
    first, second = make_postmortem(), make_postmortem(incident=make_incident())
    row = LintDismissal.objects.create(
        postmortem=first, fingerprint="f", rule_id="judgemental", reason="A quote."
    )
    api = ApiClient(alice)
    assert_error(api.delete(f"/postmortems/{second.pk}/lint/dismissals/{row.pk}"), 404)
    assert LintDismissal.objects.filter(pk=row.pk).exists()
