"""The writing check on the pages: the panel beside the postmortem, dismissing and restoring
findings (with and without JavaScript), the submit summary and the reviewer's checklist."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hansei.lint import fingerprint
from hansei.postmortems.writing_check.models import LintDismissal

pytestmark = pytest.mark.django_db

BLAME = "The engineer forgot to renew the certificate."
BLAME_TEXT = "The engineer forgot to renew"


def _write(postmortem: Any, key: str, body: str) -> None:
    section = postmortem.sections.get(key=key)
    section.body = body
    section.save(update_fields=["body"])


def _dismiss_form(reason: str, text: str = BLAME_TEXT) -> dict[str, str]:
    return {
        "fingerprint": fingerprint("blame-person", text, "summary"),
        "rule": "blame-person",
        "section": "summary",
        "text": text,
        "reason": reason,
    }


@pytest.fixture
def blamed(make_postmortem: Any) -> Any:
    postmortem = make_postmortem()
    _write(postmortem, "summary", BLAME)
    return postmortem


def test_it_shows_the_panel_on_the_postmortem_page(client: Any, bob: Any, blamed: Any) -> None:
    client.force_login(bob)
    html = client.get(reverse("postmortems:detail", args=[blamed.pk])).content.decode()
    assert 'id="lint-panel"' in html and 'data-live-part="review' in html
    assert "Writing check" in html
    assert f'data-lint-url="{reverse("api:lint_text")}"' in html
    panel = html[html.index('id="lint-panel"') :]
    assert 'data-section="summary"' in panel
    assert '<a href="#section-summary">Summary</a>' in panel
    assert BLAME_TEXT in panel
    assert "A person is named as the cause of a failure." in panel
    assert "Quality checks" in panel and "There are no action items." in panel
    assert (
        'name="reason"' in panel and reverse("postmortems:lint_dismiss", args=[blamed.pk]) in panel
    )


def test_it_serves_the_panel_alone_for_scripts(client: Any, alice: Any, blamed: Any) -> None:
    client.force_login(alice)
    response = client.get(reverse("postmortems:lint_panel", args=[blamed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section id="lint-panel"') and BLAME_TEXT in html
    assert "<html" not in html


def test_it_hides_the_panel_from_outsiders(
    client: Any, charlie: Any, blamed: Any, published_postmortem: Any
) -> None:
    client.force_login(charlie)
    assert client.get(reverse("postmortems:lint_panel", args=[blamed.pk])).status_code == 404
    url = reverse("postmortems:lint_dismiss", args=[blamed.pk])
    assert client.post(url, _dismiss_form("Fine.")).status_code == 404
    # Charlie reads the published postmortem of another team, but not its writing check.
    page = client.get(reverse("postmortems:detail", args=[published_postmortem.pk]))
    assert page.status_code == 200 and 'id="lint-panel"' not in page.content.decode()
    panel = client.get(reverse("postmortems:lint_panel", args=[published_postmortem.pk]))
    assert panel.status_code == 403
    assert not LintDismissal.objects.exists()


def test_it_dismisses_a_finding_through_htmx(client: Any, bob: Any, blamed: Any) -> None:
    client.force_login(bob)
    url = reverse("postmortems:lint_dismiss", args=[blamed.pk])
    response = client.post(
        url, _dismiss_form("Quoting the vendor's report."), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section id="lint-panel"')
    assert "1 dismissed" in html
    assert "Quoting the vendor&#x27;s report." in html and "Dismissed by Bob" in html
    row = LintDismissal.objects.get()
    assert (row.postmortem, row.dismissed_by, row.section_key) == (blamed, bob, "summary")
    assert row.text == BLAME_TEXT
    assert reverse("postmortems:lint_restore", args=[blamed.pk, row.pk]) in html


def test_it_dismisses_and_restores_without_javascript(client: Any, alice: Any, blamed: Any) -> None:
    client.force_login(alice)
    detail = reverse("postmortems:detail", args=[blamed.pk])
    response = client.post(
        reverse("postmortems:lint_dismiss", args=[blamed.pk]), _dismiss_form("A quote.")
    )
    assert response.status_code == 302 and response["Location"] == f"{detail}#lint-panel"
    row = LintDismissal.objects.get()
    html = client.get(detail).content.decode()
    assert "Finding dismissed" in html and "A quote." in html
    response = client.post(reverse("postmortems:lint_restore", args=[blamed.pk, row.pk]))
    assert response.status_code == 302
    assert not LintDismissal.objects.exists()


def test_it_keeps_a_refused_dismissal_in_its_form(client: Any, alice: Any, blamed: Any) -> None:
    client.force_login(alice)
    url = reverse("postmortems:lint_dismiss", args=[blamed.pk])
    response = client.post(url, _dismiss_form("  "), HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why this finding is acceptable" in html and 'aria-invalid="true"' in html
    # Without JavaScript: the page, with the error, and nothing written.
    response = client.post(url, _dismiss_form(""))
    assert response.status_code == 400
    assert "Say why this finding is acceptable" in response.content.decode()
    assert not LintDismissal.objects.exists()


def test_it_lets_reviewers_read_but_not_dismiss(
    client: Any, alice: Any, rita: Any, blamed: Any
) -> None:
    from hansei.reviews.services import submit_for_review

    submit_for_review(actor=alice, postmortem=blamed, reviewers=[rita])
    client.force_login(rita)
    panel = client.get(reverse("postmortems:lint_panel", args=[blamed.pk])).content.decode()
    assert BLAME_TEXT in panel and 'name="reason"' not in panel
    response = client.post(
        reverse("postmortems:lint_dismiss", args=[blamed.pk]), _dismiss_form("Fine.")
    )
    assert response.status_code == 403
    assert not LintDismissal.objects.exists()


def test_it_summarises_open_findings_before_submitting(
    client: Any, alice: Any, blamed: Any
) -> None:
    _write(blamed, "root_causes", "Bob forgot to renew it, and the sloppy runbook hid it.")
    LintDismissal.objects.create(
        postmortem=blamed,
        fingerprint=fingerprint("blame-person", BLAME_TEXT, "summary"),
        rule_id="blame-person",
        section_key="summary",
        text=BLAME_TEXT,
        reason="A quote.",
        dismissed_by=alice,
    )
    client.force_login(alice)
    html = client.get(reverse("reviews:submit", args=[blamed.pk])).content.decode()
    summary = html[html.index('id="lint-summary"') :]
    assert "open findings in the writing check:" in summary
    assert "1 blame on a person" in summary and "1 judgemental wording" in summary
    assert "no action items" in summary
    assert "You can still submit; reviewers will see them." in summary
    assert f"/postmortems/{blamed.pk}/#lint-panel" in summary
    assert "1 finding dismissed with a reason." in summary


def test_it_shows_reviewers_the_open_blame_and_the_dismissals(
    client: Any, alice: Any, bob: Any, rita: Any, make_postmortem: Any
) -> None:
    from hansei.reviews.services import submit_for_review

    postmortem = make_postmortem()
    _write(postmortem, "summary", BLAME)
    _write(postmortem, "root_causes", "The deploy was sloppy.")
    client.force_login(bob)
    client.post(
        reverse("postmortems:lint_dismiss", args=[postmortem.pk]),
        _dismiss_form("The customer's words, quoted."),
    )
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    client.force_login(rita)
    response = client.get(reverse("reviews:review", args=[postmortem.pk, review.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    blameless = html[html.index("It is written blamelessly") :]
    assert "The writing check finds 1 open blame finding:" in blameless
    assert "“sloppy” — Judgemental or emotional wording." in blameless
    assert "1 finding dismissed by the authors:" in blameless
    assert f"“{BLAME_TEXT}”" in blameless
    assert "The customer&#x27;s words, quoted." in blameless and "(Bob)" in blameless


def test_it_shows_the_panel_in_japanese(client: Any, alice: Any, make_postmortem: Any) -> None:
    alice.language = "ja"
    alice.save(update_fields=["language"])
    postmortem = make_postmortem()  # from the Japanese template: the summary is "gaiyou"
    _write(postmortem, "gaiyou", "担当者が確認を怠ったため、障害が発生した。")
    client.force_login(alice)
    html = client.get(reverse("postmortems:lint_panel", args=[postmortem.pk])).content.decode()
    assert '<a href="#section-gaiyou">概要</a>' in html
    assert "担当者が確認を怠" in html
    assert "人が失敗の原因として名指しされています。" in html
