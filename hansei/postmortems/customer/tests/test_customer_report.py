"""The customer version: started from the sections marked public, written and checked for
what must not reach customers, approved by a second person, published at an unguessable
address that can be revoked, and as a PDF. Alice writes for Payments, Rita reviews, Charlie
is in another team."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from hansei.core.models import AuditEvent
from hansei.postmortems.customer.models import CustomerReport, CustomerStatus
from hansei.postmortems.customer.services import save_customer_report, start_customer_report
from hansei.postmortems.customer.tests.publishing import publish_customer_version
from hansei.postmortems.document.services import update_section
from hansei.postmortems.template_library.services import SectionSpec, save_template

pytestmark = pytest.mark.django_db

FILLED = {
    "summary": "Card payments failed for 50 minutes on 4 November. It is resolved.",
    "impact": "About 12% of card payments in Europe were declined.",
    "cause": "A configuration change reduced the capacity of our payment database.",
    "resolution": "We restored the previous configuration.",
    "prevention": "We now test configuration changes against production traffic levels.",
}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(pk: int) -> str:
    return reverse("postmortems:customer", args=[pk])


def _act(pk: int, action: str) -> str:
    return reverse("postmortems:customer_action", args=[pk, action])


def _form(report: CustomerReport, **bodies: str) -> dict[str, str]:
    data = {"title": report.title}
    for section in report.sections:
        data[f"section-{section['key']}"] = bodies.get(section["key"], section["body"])
    return data


def _published(postmortem: Any, alice: Any, rita: Any) -> CustomerReport:
    publish_customer_version(
        postmortem, writer=alice, approver=rita, title="Card payments failed", bodies=FILLED
    )
    return CustomerReport.objects.get(postmortem=postmortem)


def test_it_starts_from_the_sections_marked_public_and_the_incident_times(
    published_postmortem: Any, alice: Any
) -> None:
    pm = published_postmortem
    assert set(pm.sections.filter(public=True).values_list("key", flat=True)) >= {
        "summary",
        "impact",
    }
    client = _client(alice)
    assert b"Start the customer version" in client.get(_page(pm.pk)).content

    response = client.post(_page(pm.pk), {"template": "customer_en"})

    assert response.status_code == 302
    report = CustomerReport.objects.get(postmortem=pm)
    bodies = {s["key"]: s["body"] for s in report.sections}
    summary = pm.sections.get(key="summary").body.strip()
    assert bodies["summary"] == summary
    assert bodies["impact"].startswith("Started ") and " UTC" in bodies["impact"]
    assert bodies["glossary"] == ""
    assert report.language == "en" and report.status == CustomerStatus.DRAFT
    second = client.post(_page(pm.pk), {"template": "customer_en"})
    assert second.status_code == 302  # a save of the report that exists: no second one
    assert CustomerReport.objects.count() == 1


def test_an_internal_section_not_marked_public_never_seeds_the_report(
    make_postmortem: Any, alice: Any
) -> None:
    postmortem = make_postmortem()
    update_section(
        actor=alice, section=postmortem.sections.get(key="went_wrong"), body="Internal zq1."
    )
    update_section(actor=alice, section=postmortem.sections.get(key="summary"), body="Public zq2.")
    postmortem.sections.filter(key="summary").update(public=False)
    report = start_customer_report(actor=alice, postmortem=postmortem, template_key="customer_en")
    text = " ".join(s["body"] for s in report.sections)
    assert "zq1" not in text and "zq2" not in text


def test_the_japanese_template_is_a_customer_shogai_hokokusho(
    make_postmortem: Any, alice: Any
) -> None:
    report = start_customer_report(
        actor=alice, postmortem=make_postmortem(), template_key="shogai_hokokusho"
    )
    titles = [s["title"] for s in report.sections]
    assert titles[:3] == ["お詫び", "障害の概要", "発生日時・復旧日時"]
    assert "再発防止策" in titles and report.language == "ja"
    assert report.sections[0]["body"].startswith("このたびは")


def test_it_takes_a_second_person_to_approve_and_a_change_takes_the_approval_away(
    published_postmortem: Any, alice: Any, rita: Any
) -> None:
    pm = published_postmortem
    report = start_customer_report(actor=alice, postmortem=pm, template_key="customer_en")
    client = _client(alice)
    response = client.post(_act(pm.pk, "submit"), follow=True)
    assert (
        "Write these sections first: What we are doing to prevent it" in response.content.decode()
    )
    assert CustomerReport.objects.get().status == CustomerStatus.DRAFT

    client.post(_page(pm.pk), _form(report, **FILLED))
    client.post(_act(pm.pk, "submit"))
    assert CustomerReport.objects.get().status == CustomerStatus.IN_REVIEW
    own = client.post(_act(pm.pk, "approve"), follow=True)
    assert "A second person approves what customers read." in own.content.decode()
    assert CustomerReport.objects.get().status == CustomerStatus.IN_REVIEW

    _client(rita).post(_act(pm.pk, "approve"))
    approved = CustomerReport.objects.get()
    assert approved.status == CustomerStatus.APPROVED and approved.approved_by == rita

    client.post(_page(pm.pk), _form(approved, summary="Changed after approval."))
    changed = CustomerReport.objects.get()
    assert changed.status == CustomerStatus.DRAFT and changed.approved_by is None
    refused = client.post(_act(pm.pk, "publish"), follow=True)
    assert "Only an approved report is published." in refused.content.decode()
    assert not changed.revisions.exists()


def test_the_public_address_shows_only_the_published_revision_to_anyone(
    published_postmortem: Any, alice: Any, rita: Any
) -> None:
    report = _published(published_postmortem, alice, rita)
    save_customer_report(
        actor=alice, report=report, title=report.title, bodies={"summary": "Unapproved zq3."}
    )
    url = reverse("public_reports:report", args=[report.public_token])
    assert len(report.public_token) >= 40

    response = Client().get(url)  # no session

    assert response.status_code == 200
    page = response.content.decode()
    assert "Card payments failed for 50 minutes" in page and "zq3" not in page
    assert published_postmortem.owner.name not in page  # nothing of the internal postmortem
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(Client().get(url + "pdf/").content)).pages
    )
    assert "What went wrong" in text and "zq3" not in text


def test_a_revoked_address_never_works_again_and_a_new_one_differs(
    published_postmortem: Any, alice: Any, rita: Any
) -> None:
    report = _published(published_postmortem, alice, rita)
    old = report.public_token
    client = _client(alice)
    client.post(_act(published_postmortem.pk, "revoke"))
    assert Client().get(reverse("public_reports:report", args=[old])).status_code == 404
    assert Client().get(reverse("public_reports:pdf", args=[old])).status_code == 404

    client.post(_act(published_postmortem.pk, "link"))
    new = CustomerReport.objects.get().public_token
    assert new and new != old
    assert Client().get(reverse("public_reports:report", args=[new])).status_code == 200
    assert Client().get(reverse("public_reports:report", args=[old])).status_code == 404
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"customer_report.link_revoked", "customer_report.link_created"} <= actions


def test_the_external_check_shows_what_must_not_reach_customers(
    published_postmortem: Any, alice: Any
) -> None:
    pm = published_postmortem
    report = start_customer_report(actor=alice, postmortem=pm, template_key="customer_en")
    client = _client(alice)
    client.post(
        _page(pm.pk),
        _form(
            report,
            cause="alice restarted db-prod-03 at 10.0.4.17 and it will never happen again.",
        ),
    )
    page = client.get(_page(pm.pk)).content.decode()
    assert "10.0.4.17" in page and "passages may not be right for customers" in page
    assert 'class="finding finding-error"' in page  # the promise


def test_readers_outside_the_writers_read_it_but_change_nothing(
    published_postmortem: Any, alice: Any, charlie: Any
) -> None:
    pm = published_postmortem
    start_customer_report(actor=alice, postmortem=pm, template_key="customer_en")
    client = _client(charlie)
    page = client.get(_page(pm.pk))
    assert page.status_code == 200 and b"readonly" in page.content
    report = CustomerReport.objects.get()
    assert client.post(_page(pm.pk), _form(report, summary="Charlie was here")).status_code == 403
    assert client.post(_act(pm.pk, "submit")).status_code == 403
    assert CustomerReport.objects.get().sections == report.sections


def test_a_draft_postmortem_s_customer_version_is_hidden_from_other_teams(
    make_postmortem: Any, charlie: Any
) -> None:
    draft = make_postmortem()
    assert _client(charlie).get(_page(draft.pk)).status_code == 404
    assert _client(charlie).post(_page(draft.pk), {"template": "customer_en"}).status_code == 404


def test_bad_input_is_refused_with_a_reason_and_saves_nothing(
    published_postmortem: Any, alice: Any
) -> None:
    pm = published_postmortem
    client = _client(alice)
    unknown = client.post(_page(pm.pk), {"template": "<script>"})
    assert (
        unknown.status_code == 400 and b"Choose one of the customer templates." in unknown.content
    )
    report = start_customer_report(actor=alice, postmortem=pm, template_key="customer_en")
    huge = client.post(_page(pm.pk), _form(report, summary="x" * 20_001, impact="kept?"))
    assert huge.status_code == 400 and b"At most 20000 characters." in huge.content
    empty_title = client.post(_page(pm.pk), {**_form(report), "title": "  "})
    assert empty_title.status_code == 400
    assert CustomerReport.objects.get().sections == report.sections
    assert client.post(_act(pm.pk, "explode")).status_code == 404
    assert Client().get(reverse("public_reports:report", args=["x" * 43])).status_code == 404


def test_a_template_section_is_marked_public_in_the_template_editor(ada: Any) -> None:
    template = save_template(
        actor=ada,
        template=None,
        name="Customer-facing",
        language="en",
        description="",
        is_default=False,
        sections=[
            SectionSpec("summary", "Summary", public=True),
            SectionSpec("notes", "Internal notes"),
        ],
    )
    marks = dict(template.sections.values_list("key", "public"))
    assert marks == {"summary": True, "notes": False}
