"""What goes into the audit log: every security-relevant change, with who, what, the change,
when and from where, through every path that makes it (pages, API, admin site, CLI)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hansei.accounts.models import ApiToken, Membership, Team, User
from hansei.accounts.tests.test_api import ApiClient
from hansei.cli.main import main
from hansei.conftest import PASSWORD
from hansei.core.models import AuditEvent

pytestmark = pytest.mark.django_db
AGENT = "Mozilla/5.0 (audit test)"


def _entries(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _errors(response: Any) -> Any:
    """The admin form's errors, to say why a save did not redirect."""
    context = response.context or {}
    return context["adminform"].form.errors if "adminform" in context else response.status_code


def _admin_client(user: Any) -> Client:
    client = Client(HTTP_USER_AGENT=AGENT)
    client.force_login(user)
    return client


# --- sign-ins -------------------------------------------------------------------------------


def test_sign_ins_failures_and_sign_outs_are_recorded_with_where_from(alice: Any) -> None:
    client = Client(HTTP_USER_AGENT=AGENT)
    client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    client.post("/accounts/logout/")

    [failed] = _entries("auth.sign_in_failed")
    assert failed.actor is None and failed.actor_name == "alice"
    [signed_in] = _entries("auth.signed_in")
    assert (signed_in.actor, signed_in.detail, signed_in.via) == (alice, "password", "web")
    assert signed_in.ip == "127.0.0.1" and signed_in.user_agent == AGENT
    [signed_out] = _entries("auth.signed_out")
    assert signed_out.actor == alice


def test_a_lockout_is_recorded(alice: Any, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"username": " ALICE", "password": "wrong"})
    locked = _entries("auth.locked_out")
    assert locked and {entry.actor_name.strip().lower() for entry in locked} == {"alice"}


# --- tokens, people and teams -----------------------------------------------------------------


def test_tokens_created_and_revoked_are_recorded_never_their_value(alice: Any) -> None:
    client = _admin_client(alice)
    client.post("/accounts/tokens/", {"name": "CI export"})
    token = ApiToken.objects.get(user=alice, name="CI export")
    client.post(f"/accounts/tokens/{token.pk}/delete/")

    [created] = _entries("token.created")
    assert created.changes["name"] == {"from": None, "to": "CI export"}
    assert created.target_id == str(token.pk)
    [revoked] = _entries("token.revoked")
    assert revoked.actor == alice and token.prefix in revoked.detail
    assert "hansei_" not in json.dumps(created.changes).replace(token.prefix, "")


def test_the_admin_site_changes_people_through_the_services(ada: Any, bob: Any) -> None:
    client = _admin_client(ada)
    page = client.get(f"/admin/accounts/user/{bob.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields if name != "password"}
    data.update(role="reviewer", email="robert@example.com", is_active="on")
    data.update({"sso_identities-TOTAL_FORMS": "0", "sso_identities-INITIAL_FORMS": "0"})
    response = client.post(f"/admin/accounts/user/{bob.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]

    bob.refresh_from_db()
    assert (bob.role, bob.email) == ("reviewer", "robert@example.com")
    [changed] = _entries("user.changed")
    assert changed.changes["email"] == {"from": "bob@example.com", "to": "robert@example.com"}
    assert changed.via == "admin" and changed.actor == ada
    [role] = _entries("user.role_changed")
    assert role.changes == {"role": {"from": "member", "to": "reviewer"}}


def test_the_admin_site_adds_people_and_sets_passwords_through_the_services(ada: Any) -> None:
    client = _admin_client(ada)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "Dora",
            "email": "dora@example.com",
            "role": "member",
            "usable_password": "true",
            "password1": "a much longer passphrase 7",
            "password2": "a much longer passphrase 7",
            "sso_identities-TOTAL_FORMS": "0",
            "sso_identities-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    dora = User.objects.get(username="dora")
    [created] = _entries("user.created")
    assert created.target_id == str(dora.pk) and created.actor == ada
    response = client.post(
        f"/admin/accounts/user/{dora.pk}/password/",
        {"password1": "another long passphrase 8", "password2": "another long passphrase 8"},
    )
    assert response.status_code == 302
    dora.refresh_from_db()
    assert dora.check_password("another long passphrase 8")
    [password] = _entries("user.password_changed")
    assert password.changes == {} and "passphrase" not in password.detail


def test_people_are_deactivated_never_deleted_in_the_admin_site(ada: Any, bob: Any) -> None:
    client = _admin_client(ada)
    assert client.get(f"/admin/accounts/user/{bob.pk}/delete/").status_code == 403
    assert User.objects.filter(pk=bob.pk).exists()


def test_team_members_changed_in_the_admin_site_are_recorded(
    ada: Any, alice: Any, bob: Any, payments: Any
) -> None:
    client = _admin_client(ada)
    memberships = list(Membership.objects.filter(team=payments).order_by("pk"))
    data = {
        "name": "Payments",
        "slug": "payments",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
    }
    for index, membership in enumerate(memberships):
        prefix = f"memberships-{index}"
        data[f"{prefix}-id"] = str(membership.pk)
        data[f"{prefix}-team"] = str(payments.pk)
        data[f"{prefix}-user"] = str(membership.user_id)
        if membership.user_id == bob.pk:
            data[f"{prefix}-DELETE"] = "on"
        if membership.user_id == alice.pk:
            data[f"{prefix}-is_lead"] = "on"
    response = client.post(f"/admin/accounts/team/{payments.pk}/change/", data)
    assert response.status_code == 302, response.content[:3000]
    assert not Membership.objects.filter(team=payments, user=bob).exists()
    [members] = _entries("team.members_changed")
    assert members.changes == {"removed": ["bob"]}


def test_createuser_is_recorded_as_coming_from_the_command_line(payments: Any) -> None:
    import io
    import sys

    stdin = sys.stdin
    sys.stdin = io.StringIO("a much longer passphrase 7\n")
    try:
        arguments = ["createuser", "Erin", "--email", "erin@example.com", "--team", "payments"]
        code = main([*arguments, "--password-stdin"])
    finally:
        sys.stdin = stdin
    assert code == 0
    [created] = _entries("user.created")
    assert (created.via, created.actor, created.actor_name) == ("cli", None, "")
    assert created.changes["teams"] == {"from": [], "to": ["payments"]}


# --- the postmortem policy, severities, templates, integrations -----------------------------


def test_policy_and_severity_changes_are_recorded_with_the_change(
    ada: Any, builtin_data: None
) -> None:
    api = ApiClient(ada)
    assert api.patch("/policy", {"required_approvals": 2}).status_code == 200
    assert api.patch("/severities/3", {"due_days": 9}).status_code == 200
    [policy] = _entries("policy.changed")
    assert policy.changes == {"required_approvals": {"from": 1, "to": 2}} and policy.via == "api"
    [severity] = _entries("severity.changed")
    assert severity.changes["due_days"]["to"] == 9


def test_integration_changes_are_recorded_with_secrets_hidden(
    ada: Any, payments: Any, sev: Any
) -> None:
    from hansei.integrations.models import Integration

    client = _admin_client(ada)
    add = client.get("/admin/integrations/integration/add/")
    form = add.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        default_severity=str(sev(3).pk),
        name="PagerDuty for payments",
        kind="pagerduty",
        team=str(payments.pk),
        is_active="on",
        severity_mapping="{}",
        service_mapping="{}",
        owner_rule=form.initial.get("owner_rule") or "first_acknowledger",
    )
    response = client.post("/admin/integrations/integration/add/", data)
    assert response.status_code == 302, _errors(response)
    integration = Integration.objects.get()
    data.update(secret="a-new-secret-value-123456", name="PagerDuty (payments)")
    response = client.post(f"/admin/integrations/integration/{integration.pk}/change/", data)
    assert response.status_code == 302, _errors(response)

    [created] = _entries("integration.created")
    assert integration.secret not in json.dumps(created.changes)
    [changed] = _entries("integration.changed")
    assert changed.changes["secret"] == {"from": "[secret]", "to": "[secret]"}
    assert changed.changes["name"]["to"] == "PagerDuty (payments)"
    assert "a-new-secret-value" not in json.dumps(changed.changes)


# --- postmortems ------------------------------------------------------------------------------


def test_publication_amendment_restriction_and_exports_are_recorded(
    alice: Any, approved_postmortem: Any
) -> None:
    from hansei.postmortems.document.services import (
        publish_postmortem,
        start_amendment,
        update_postmortem,
    )

    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    start_amendment(actor=alice, postmortem=approved_postmortem)
    update_postmortem(actor=alice, postmortem=approved_postmortem, restricted=True)
    client = _admin_client(alice)
    assert client.get(f"/postmortems/{approved_postmortem.pk}/export.md").status_code == 200
    assert ApiClient(alice).get(f"/postmortems/{approved_postmortem.pk}/export").status_code == 200

    assert _entries("postmortem.published")[0].detail == "revision 1"
    assert _entries("postmortem.amendment_started")[0].actor == alice
    [restricted] = _entries("postmortem.restriction_changed")
    assert restricted.changes == {"restricted": {"from": False, "to": True}}
    exports = _entries("postmortem.exported")
    assert [e.via for e in exports] == ["web", "api"]
    assert all(e.target_id == str(approved_postmortem.pk) for e in exports)


def test_a_team_renamed_is_recorded(ada: Any, payments: Any) -> None:
    from hansei.accounts.services import save_team

    save_team(actor=ada, team=payments, name="Payments & Billing", slug="payments")
    [changed] = _entries("team.changed")
    assert changed.changes == {"name": {"from": "Payments", "to": "Payments & Billing"}}
    assert Team.objects.get(pk=payments.pk).name == "Payments & Billing"
