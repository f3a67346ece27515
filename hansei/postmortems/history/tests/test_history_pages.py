"""The history pages through HTTP: the list of versions, one version, a comparison, a restore,
and who sees what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from hansei.action_items.services import ActionItemInput, add_action_item, update_action_item
from hansei.postmortems.analysis.services import ImpactInput, update_impact
from hansei.postmortems.document import live_text
from hansei.postmortems.document.models import Postmortem, Section, YUpdate
from hansei.postmortems.document.services import start_amendment, update_section
from hansei.postmortems.history.models import Version, VersionReason
from hansei.postmortems.history.services import record_version
from hansei.postmortems.template_library.models import Template
from hansei.postmortems.timeline.services import add_timeline_entry
from hansei.reviews.services import request_changes, submit_for_review

pytestmark = pytest.mark.django_db

ORIGINAL = "Payments failed for 50 minutes after a config push."


def _write(postmortem: Postmortem, actor: Any, key: str, body: str) -> Version:
    """Change a section and keep a version of it, as live editing does."""
    section = Section.objects.get(postmortem=postmortem, key=key)
    update_section(actor=actor, section=section, body=body)
    return record_version(postmortem=postmortem, reason=VersionReason.EDITED)


def _body(postmortem: Postmortem, key: str = "summary") -> str:
    return Section.objects.get(postmortem=postmortem, key=key).body


def _compare(client: Any, postmortem: Postmortem, old: Any, new: Any) -> Any:
    url = reverse("postmortems:version_compare", args=[postmortem.pk])
    return client.get(url, {"from": old, "to": new})


# --- the list -------------------------------------------------------------------------------


def test_it_lists_versions_newest_first_and_marks_published_revisions(
    client: Any, bob: Any, published_postmortem: Any
) -> None:
    client.force_login(bob)
    response = client.get(reverse("postmortems:history", args=[published_postmortem.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f">Version {n}<") for n in (4, 3, 2, 1)]
    assert positions == sorted(positions)
    for label in ("Draft created", "Submitted for review", "Approved", "Published", "Rita"):
        assert label in html
    revision = reverse("postmortems:revision", args=[published_postmortem.pk, 1])
    assert f'href="{revision}"' in html
    assert 'name="from" value="3"' in html and 'name="to" value="current"' in html


def test_the_postmortem_page_links_to_its_versions(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    response = client.get(reverse("postmortems:detail", args=[postmortem.pk]))
    assert reverse("postmortems:history", args=[postmortem.pk]) in response.content.decode()


def test_it_hides_the_history_of_a_draft_from_other_teams(
    client: Any, alice: Any, charlie: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    _write(postmortem, alice, "summary", "Edited.")
    client.force_login(charlie)
    pk = postmortem.pk

    assert client.get(reverse("postmortems:history", args=[pk])).status_code == 404
    assert client.get(reverse("postmortems:version", args=[pk, 1])).status_code == 404
    assert _compare(client, postmortem, 1, 2).status_code == 404
    restore = reverse("postmortems:version_restore", args=[pk, 1, "summary"])
    assert client.post(restore).status_code == 404
    assert _body(postmortem) == "Edited."
    assert Version.objects.filter(postmortem=postmortem).count() == 2


def test_readers_keep_to_published_revisions_while_an_amendment_is_drafted(
    client: Any, alice: Any, charlie: Any, published_postmortem: Any
) -> None:
    pk = published_postmortem.pk
    client.force_login(charlie)
    # Drafting is for the team and its reviewers: even before an amendment, readers of the
    # published postmortem are sent to the published revisions.
    response = client.get(reverse("postmortems:history", args=[pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("postmortems:revisions", args=[pk])
    assert client.get(reverse("postmortems:version", args=[pk, 1])).status_code == 404

    start_amendment(actor=alice, postmortem=published_postmortem)
    draft = _write(published_postmortem, alice, "summary", "Unreviewed amendment words.")

    response = client.get(reverse("postmortems:history", args=[pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("postmortems:revisions", args=[pk])
    assert client.get(reverse("postmortems:version", args=[pk, draft.number])).status_code == 404
    assert _compare(client, published_postmortem, 1, "current").status_code == 404
    client.force_login(alice)
    response = client.get(reverse("postmortems:version", args=[pk, draft.number]))
    assert "Unreviewed amendment words." in response.content.decode()


# --- one version ----------------------------------------------------------------------------


def test_it_shows_a_version_rendered_with_restore_buttons_for_writers(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    _write(postmortem, alice, "summary", "**Bold** words <img src=x onerror=alert(1)>")
    client.force_login(alice)

    response = client.get(reverse("postmortems:version", args=[postmortem.pk, 2]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Bold</strong>" in html
    assert "<img" not in html
    assert "Same as now" in html  # this version's summary is the current one
    response = client.get(reverse("postmortems:version", args=[postmortem.pk, 1]))
    html = response.content.decode()
    restore = reverse("postmortems:version_restore", args=[postmortem.pk, 1, "summary"])
    assert f'action="{restore}"' in html
    assert "data-confirm=" in html
    assert "Restore this section" in html


def test_reviewers_see_versions_without_restore_buttons(
    client: Any, alice: Any, rita: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    _write(postmortem, alice, "summary", "Edited.")
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    client.force_login(rita)

    response = client.get(reverse("postmortems:version", args=[postmortem.pk, 1]))

    assert response.status_code == 200
    assert ORIGINAL in response.content.decode()
    assert "Restore this section" not in response.content.decode()


def test_an_unknown_version_is_not_found(client: Any, alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    assert client.get(reverse("postmortems:version", args=[postmortem.pk, 9])).status_code == 404


# --- comparing ------------------------------------------------------------------------------


def test_it_compares_english_word_by_word_and_escapes_html(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    _write(postmortem, alice, "root_causes", "The cache expired at noon.\nKeep this line.")
    _write(
        postmortem,
        alice,
        "root_causes",
        "The database expired at noon.\nKeep this line.\n<script>alert(1)</script>",
    )
    client.force_login(alice)

    response = _compare(client, postmortem, 3, 2)  # either order reads older to newer

    html = response.content.decode()
    assert response.status_code == 200
    assert "The <del" in html and ">cache</del><ins" in html and ">database</ins> expired" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html
    assert "<script>alert" not in html
    assert "v2 (Edited," in html and "v3 (Edited," in html
    assert "11 sections unchanged:" in html and "Summary, Impact, Trigger," in html
    assert "Keep this line." in html


def test_it_compares_japanese_character_by_character(
    client: Any, alice: Any, make_postmortem: Any, builtin_data: None
) -> None:
    template = Template.objects.get(language="ja")
    postmortem = make_postmortem(template=template)
    _write(postmortem, alice, "gaiyou", "全ての支払いが失敗した。")
    _write(postmortem, alice, "gaiyou", "一部の支払いが失敗した。")
    client.force_login(alice)

    html = _compare(client, postmortem, 2, 3).content.decode()

    assert ">全て</del><ins" in html
    assert ">一部</ins>の支払いが失敗した。" in html
    assert "概要" in html


def test_it_compares_a_version_with_the_live_text(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    live_text.replace_section_text(postmortem_id=postmortem.pk, key="summary", text="Typed live.")
    client.force_login(alice)

    html = _compare(client, postmortem, 1, "current").content.decode()

    assert ">Typed live.</ins>" in html
    assert "Current text" in html


def test_it_says_when_two_versions_are_identical(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem(complete=False)
    client.force_login(alice)
    html = _compare(client, postmortem, 1, "current").content.decode()
    assert "identical" in html
    assert "<del" not in html.split("identical")[1]


@pytest.mark.parametrize("params", [{}, {"from": "x", "to": "1"}, {"from": "1", "to": "-2"}])
def test_it_answers_a_bad_comparison_with_400(
    client: Any, alice: Any, make_postmortem: Any, params: dict[str, str]
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    url = reverse("postmortems:version_compare", args=[postmortem.pk])
    response = client.get(url, params)
    assert response.status_code == 400
    assert "Choose two versions to compare." in response.content.decode()


def test_it_answers_a_comparison_with_a_missing_version_with_404(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    assert _compare(client, postmortem, 1, 5).status_code == 404


# --- restoring ------------------------------------------------------------------------------


def test_it_restores_a_section_from_a_version(
    client: Any, alice: Any, bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    _write(postmortem, alice, "summary", "A summary that lost the numbers.")
    client.force_login(bob)
    url = reverse("postmortems:version_restore", args=[postmortem.pk, 1, "summary"])

    response = client.post(url, follow=True)

    assert response.redirect_chain == [
        (reverse("postmortems:detail", args=[postmortem.pk]) + "#section-summary", 302)
    ]
    assert "Restored “Summary” from version 1." in response.content.decode()
    assert _body(postmortem) == ORIGINAL
    doc, _last = live_text.load_doc(postmortem.pk)
    assert live_text.section_text(doc, "summary") == ORIGINAL
    latest = Version.objects.filter(postmortem=postmortem).order_by("-number").first()
    assert latest is not None
    assert (latest.number, latest.reason, latest.actor) == (3, VersionReason.RESTORED, bob)
    assert latest.note == "Restored “Summary” from version 1"


def test_it_restores_nothing_while_in_review(
    client: Any, alice: Any, rita: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    _write(postmortem, alice, "summary", "Edited before review.")
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    updates = YUpdate.objects.filter(postmortem_id=postmortem.pk).count()
    count = Version.objects.filter(postmortem=postmortem).count()
    client.force_login(alice)
    url = reverse("postmortems:version_restore", args=[postmortem.pk, 1, "summary"])

    response = client.post(url, follow=True)

    assert response.redirect_chain == [
        (reverse("postmortems:version", args=[postmortem.pk, 1]), 302)
    ]
    assert "It is in review" in response.content.decode()
    assert _body(postmortem) == "Edited before review."
    assert Version.objects.filter(postmortem=postmortem).count() == count
    assert YUpdate.objects.filter(postmortem_id=postmortem.pk).count() == updates


def test_a_reviewer_cannot_restore(
    client: Any, alice: Any, rita: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    _write(postmortem, alice, "summary", "Edited.")
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    request_changes(actor=rita, review=review, comment="Say more.")  # back in draft
    client.force_login(rita)
    url = reverse("postmortems:version_restore", args=[postmortem.pk, 1, "summary"])

    assert client.post(url).status_code == 403
    assert _body(postmortem) == "Edited."
    assert not Version.objects.filter(reason=VersionReason.RESTORED).exists()


def test_it_answers_an_unknown_section_with_404(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    _write(postmortem, alice, "summary", "Edited.")
    client.force_login(alice)
    url = reverse("postmortems:version_restore", args=[postmortem.pk, 1, "nope"])

    assert client.post(url).status_code == 404
    assert _body(postmortem) == "Edited."
    assert Version.objects.filter(postmortem=postmortem).count() == 2


def test_it_refuses_to_restore_a_section_that_is_not_text(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)
    url = reverse("postmortems:version_restore", args=[postmortem.pk, 1, "timeline"])

    response = client.post(url, follow=True)

    assert "Only text sections can be restored" in response.content.decode()
    assert Version.objects.filter(postmortem=postmortem).count() == 1


def test_restoring_is_a_post(client: Any, alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    _write(postmortem, alice, "summary", "Edited.")
    client.force_login(alice)
    url = reverse("postmortems:version_restore", args=[postmortem.pk, 1, "summary"])
    assert client.get(url).status_code == 405
    assert _body(postmortem) == "Edited."


# --- timeline, action items and figures ------------------------------------------------------


def test_it_compares_the_timeline_the_action_items_and_the_figures(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    incident = postmortem.incidents.get()
    item = add_action_item(
        actor=alice, postmortem=postmortem, data=ActionItemInput(title="Cap retries zq1")
    )
    first = record_version(postmortem=postmortem, reason=VersionReason.EDITED)
    add_timeline_entry(
        actor=alice,
        postmortem=postmortem,
        occurred_at=incident.started_at + timedelta(minutes=3),
        text="Paged the <b>payments</b> on-call zq2",
    )
    update_action_item(
        actor=alice, item=item, data=ActionItemInput(title="Cap retries zq1", status="done")
    )
    update_impact(actor=alice, postmortem=postmortem, data=ImpactInput(support_tickets=46))
    client.force_login(alice)

    html = _compare(client, postmortem, first.number, "current").content.decode()

    parts = html[html.index('id="diff-parts"') :]
    assert "Paged the &lt;b&gt;payments&lt;/b&gt; on-call zq2" in parts  # added, escaped
    assert "Cap retries zq1" in parts
    assert "status: <del" in parts and ">done</ins>" in parts
    assert "Support tickets" in parts and ">46</ins>" in parts
    unchanged = _compare(client, postmortem, "current", "current").content.decode()
    assert "No timeline entry, action item or figure changed in between." in unchanged


def test_a_version_kept_before_the_parts_were_recorded_compares_its_text_only(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    old = record_version(postmortem=postmortem, reason=VersionReason.EDITED)
    Version.objects.filter(pk=old.pk).update(parts={})
    client.force_login(alice)
    html = _compare(client, postmortem, old.number, "current").content.decode()
    assert "only the text is compared" in html
