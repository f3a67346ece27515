"""Incident pages through HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hansei.incidents.models import Incident, PostmortemPolicy

pytestmark = pytest.mark.django_db


def _form(sev: Any, team: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Search results empty",
        "severity": sev(3).pk,
        "team": team.pk,
        "started_at": "2026-11-01T10:00",
        "detected_at": "2026-11-01T10:02",
        "resolved_at": "2026-11-01T10:20",
        "detection_method": "alert",
        "intervention": "",
    }
    data.update(overrides)
    return data


def test_it_records_an_incident_and_shows_why_a_postmortem_is_required(
    client: Any, alice: Any, payments: Any, sev: Any
) -> None:
    client.force_login(alice)
    data = _form(sev, payments, downtime_minutes="12", intervention="rollback")
    response = client.post(reverse("incidents:new"), data)
    incident = Incident.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "A postmortem is required" in page
    assert 'data-reason="downtime"' in page
    assert 'data-reason="intervention"' in page
    assert "Create draft" in page


def test_it_refuses_milestones_out_of_order_and_saves_nothing(
    client: Any, alice: Any, payments: Any, sev: Any
) -> None:
    client.force_login(alice)
    data = _form(sev, payments, detected_at="2026-11-01T09:00")
    response = client.post(reverse("incidents:new"), data)
    assert response.status_code == 400
    assert "cannot be before" in response.content.decode()
    assert not Incident.objects.exists()


def test_it_refuses_a_time_it_cannot_keep_and_saves_nothing(
    client: Any, alice: Any, payments: Any, sev: Any
) -> None:
    type(alice).objects.filter(pk=alice.pk).update(time_zone="Asia/Tokyo")
    client.force_login(alice)
    # Midnight of year 1 in Tokyo is still year 0 in UTC: no database keeps it.
    data = _form(sev, payments, started_at="0001-01-01T00:00", detected_at="", resolved_at="")
    response = client.post(reverse("incidents:new"), data)
    assert response.status_code == 400
    assert "from 1900 to 9998" in response.content.decode()
    assert not Incident.objects.exists()


def test_it_refuses_an_incident_for_another_team(
    client: Any, charlie: Any, payments: Any, sev: Any
) -> None:
    client.force_login(charlie)
    response = client.post(reverse("incidents:new"), _form(sev, payments))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Incident.objects.exists()


def test_it_lets_anyone_who_sees_it_request_a_postmortem(
    client: Any, bob: Any, make_incident: Any, sev: Any
) -> None:
    incident = make_incident(
        severity=sev(4),
        downtime_minutes=None,
        intervention="",
        resolved_at=None,
        mitigated_at=None,
    )
    client.force_login(bob)
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "No postmortem required" in page
    response = client.post(
        reverse("incidents:request_postmortem", args=[incident.pk]), {"reason": "Near miss"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.postmortem_requested_by == bob
    page = client.get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "A postmortem was requested" in page


def test_it_hides_incidents_from_other_teams(client: Any, charlie: Any, make_incident: Any) -> None:
    incident = make_incident()
    client.force_login(charlie)
    assert client.get(reverse("incidents:detail", args=[incident.pk])).status_code == 404
    assert incident.title not in client.get(reverse("incidents:list")).content.decode()


def test_it_starts_a_draft_from_the_incident_page(
    client: Any, alice: Any, make_incident: Any
) -> None:
    incident = make_incident()
    client.force_login(alice)
    page = client.get(reverse("incidents:detail", args=[incident.pk]))
    form = page.context["start_form"]
    response = client.post(
        reverse("postmortems:start", args=[incident.pk]),
        {
            "template": form.initial["template"].pk,
            "owner": alice.pk,
            "due_date": form.initial["due_date"].isoformat(),
        },
    )
    incident.refresh_from_db()
    assert incident.postmortem is not None
    assert response.headers["Location"] == reverse(
        "postmortems:detail", args=[incident.postmortem.pk]
    )


def test_it_refuses_a_draft_due_in_the_past(client: Any, alice: Any, make_incident: Any) -> None:
    incident = make_incident()
    client.force_login(alice)
    page = client.get(reverse("incidents:detail", args=[incident.pk]))
    response = client.post(
        reverse("postmortems:start", args=[incident.pk]),
        {
            "template": page.context["start_form"].initial["template"].pk,
            "owner": alice.pk,
            "due_date": "2001-01-01",
        },
        follow=True,
    )
    assert "cannot be in the past" in response.content.decode()
    incident.refresh_from_db()
    assert incident.postmortem is None


def test_it_shows_the_policy_to_everyone_and_lets_only_admins_edit_it(
    client: Any, ada: Any, charlie: Any, sev: Any
) -> None:
    client.force_login(charlie)
    page = client.get(reverse("incidents:policy"))
    assert "User-visible downtime of 5 minutes or more" in page.content.decode()
    assert client.get(reverse("incidents:policy_edit")).status_code == 403
    client.force_login(ada)
    form = client.get(reverse("incidents:policy_edit")).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(
        {
            "downtime_minutes_threshold": 15,
            "required_approvals": 2,
            "announcement_recipients": "eng@example.com",
        }
    )
    for s in sev(1).__class__.objects.all():
        data.update(
            {
                f"sev{s.pk}-name": s.name,
                f"sev{s.pk}-description": s.description,
                f"sev{s.pk}-due_days": s.due_days,
            }
        )
        if s.requires_postmortem:
            data[f"sev{s.pk}-requires_postmortem"] = "on"
    response = client.post(reverse("incidents:policy_edit"), data)
    assert response.status_code == 302
    policy = PostmortemPolicy.current()
    assert policy.downtime_minutes_threshold == 15
    assert policy.required_approvals == 2


def test_it_refuses_a_policy_with_a_bad_recipient(client: Any, ada: Any, sev: Any) -> None:
    client.force_login(ada)
    form = client.get(reverse("incidents:policy_edit")).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data["announcement_recipients"] = "not-an-address"
    for s in sev(1).__class__.objects.all():
        data.update({f"sev{s.pk}-name": s.name, f"sev{s.pk}-due_days": s.due_days})
    response = client.post(reverse("incidents:policy_edit"), data)
    assert "Not an email address" in response.content.decode()
    assert PostmortemPolicy.current().announcement_recipients == ""


def test_the_new_incident_form_chooses_no_severity_and_the_persons_own_team(
    client: Any, alice: Any, charlie: Any, ada: Any, payments: Any, search_team: Any, sev: Any,
    checkout: Any,
) -> None:  # fmt: skip
    from hansei.incidents.forms import IncidentForm

    form = IncidentForm(user=charlie)
    assert form.initial["team"] == search_team.pk  # not the first team alphabetically
    page = str(form["severity"])
    assert 'value="" selected' in page and "Choose a severity" in page
    admin = IncidentForm(user=ada)  # in no team: chooses one
    assert "team" not in admin.initial and "Choose a team" in str(admin["team"])
    # Services and responders are checkboxes, not Ctrl-click lists.
    assert 'type="checkbox"' in str(form["services"]) and "Checkout" in str(form["services"])
    assert 'type="checkbox"' in str(form["responders"])
    client.force_login(alice)
    missing = _form(sev, payments, severity="")
    answer = client.post(reverse("incidents:new"), missing)
    assert answer.status_code == 400 and not Incident.objects.exists()


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/incidents/", ["Incidents"]),
        ("/incidents/policy/", ["Policy"]),
        ("/actions/", ["Action items"]),
        ("/trackers/", ["Action items"]),
    ],
)
def test_one_navigation_item_is_current(client: Any, alice: Any, path: str, current: Any) -> None:
    import re

    client.force_login(alice)  # a lead: sees the trackers page
    page = client.get(path).content.decode()
    nav = page[page.index('<nav class="mainnav"') : page.index("</nav>", page.index("mainnav"))]
    assert re.findall(r'aria-current="page">([^<]+)<', nav) == current
