"""People and teams on Hansei's own admin pages, invitations by e-mail link and passwords.
Ada is an admin, Alice a member of Payments, Charlie of Search."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from hansei.accounts.models import Invitation, Membership, Team, User
from hansei.conftest import PASSWORD
from hansei.core.jobs import run_pending
from hansei.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-new-passphrase-42"


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _link(message: Any) -> str:
    """The path of the link in an e-mail (it is absolute, to HANSEI_BASE_URL)."""
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    return urlsplit(found.group(0)).path


def _invite(client: Client, email: str, *teams: Team, role: str = "member") -> Any:
    data = {"email": email, "role": role, "teams": [team.pk for team in teams]}
    return client.post(reverse("administration:people"), data)


def test_an_invited_person_joins_with_the_role_and_teams_of_the_invitation(
    ada: Any, payments: Any
) -> None:
    admin = _client(ada)
    assert _invite(admin, "zoe@example.com", payments, role="reviewer").status_code == 302
    assert run_pending() == 1
    [message] = mail.outbox
    assert message.to == ["zoe@example.com"] and "invites you to Hansei" in message.subject
    link = _link(message)
    assert "Payments" in message.body

    visitor = _client()
    assert b"Join Hansei" in visitor.get(link).content
    refused = visitor.post(
        link,
        {"username": "zoe", "password": NEW_PASSWORD, "password_again": "different"},
    )
    assert refused.status_code == 400 and not User.objects.filter(username="zoe").exists()
    joined = visitor.post(
        link,
        {
            "username": "Zoe",
            "display_name": "Zoë Kim",
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    )
    assert joined.status_code == 302
    zoe = User.objects.get(username="zoe")
    assert zoe.role == "reviewer" and zoe.email == "zoe@example.com" and zoe.name == "Zoë Kim"
    assert list(zoe.teams.all()) == [payments] and zoe.check_password(NEW_PASSWORD)
    assert visitor.get(reverse("home:my_work")).status_code == 200  # signed in
    assert _client().get(link).status_code == 404  # works once
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.invited", "user.invitation_accepted", "user.created"} <= actions


def test_an_invitation_sent_again_or_revoked_kills_the_old_link(ada: Any) -> None:
    admin = _client(ada)
    _invite(admin, "yan@example.com")
    run_pending()
    first = _link(mail.outbox[-1])
    invitation = Invitation.objects.get()
    admin.post(reverse("administration:invitation_action", args=[invitation.pk, "resend"]))
    run_pending()
    second = _link(mail.outbox[-1])
    assert first != second
    assert _client().get(first).status_code == 404
    assert _client().get(second).status_code == 200
    admin.post(reverse("administration:invitation_action", args=[invitation.pk, "revoke"]))
    assert _client().get(second).status_code == 404
    tampered = second.rstrip("/")[:-1] + "0/"
    assert _client().get(tampered).status_code == 404


def test_an_invitation_to_an_address_with_an_account_is_refused(ada: Any, alice: Any) -> None:
    response = _invite(_client(ada), alice.email.upper())
    assert response.status_code == 400
    assert b"Someone already has an account with this address." in response.content
    assert not Invitation.objects.exists()
    assert _invite(_client(ada), "not an address").status_code == 400
    assert not Invitation.objects.exists()


def test_only_admins_reach_the_admin_pages(alice: Any, ada: Any, payments: Any) -> None:
    member = _client(alice)
    for name, args in (
        ("administration:index", []),
        ("administration:people", []),
        ("administration:person", [alice.pk]),
        ("administration:teams", []),
        ("administration:team", [payments.pk]),
    ):
        assert member.get(reverse(name, args=args)).status_code == 403
    assert _invite(member, "x@example.com").status_code == 403
    assert not Invitation.objects.exists()
    assert _client().get(reverse("administration:people")).status_code == 302  # sign in first


def test_an_admin_changes_a_person_s_role_and_teams_and_deactivates_them(
    ada: Any, alice: Any, payments: Any, search_team: Any
) -> None:
    admin = _client(ada)
    url = reverse("administration:person", args=[alice.pk])
    data = {
        "display_name": "Alice L.",
        "email": "alice.l@example.com",
        "role": "reviewer",
        "teams": [search_team.pk],
    }
    assert admin.post(url, data).status_code == 302
    alice.refresh_from_db()
    assert (alice.role, alice.email, alice.is_active) == ("reviewer", "alice.l@example.com", False)
    assert list(alice.teams.all()) == [search_team]
    own = admin.post(
        reverse("administration:person", args=[ada.pk]),
        {"email": ada.email or "ada@example.com", "role": "admin"},
    )
    assert own.status_code == 400 and b"You cannot deactivate your own account." in own.content
    ada.refresh_from_db()
    assert ada.is_active


def test_a_password_reset_link_from_an_admin_sets_a_new_password_once(ada: Any, alice: Any) -> None:
    admin = _client(ada)
    admin.post(reverse("administration:person_reset", args=[alice.pk]))
    run_pending()
    [message] = mail.outbox
    assert message.to == [alice.email]
    link = _link(message)
    visitor = _client()
    form_page = visitor.get(link, follow=True)  # Django moves the token into the session
    assert b"Choose a new password" in form_page.content
    target = form_page.redirect_chain[-1][0]
    done = visitor.post(target, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD) and not alice.check_password(PASSWORD)
    again = _client().get(link, follow=True)
    assert b"This link does not work any more" in again.content


def test_forgot_password_answers_alike_and_mails_only_password_accounts(
    alice: Any, charlie: Any
) -> None:
    charlie.set_unusable_password()  # single sign-on only
    charlie.save()
    url = reverse("accounts:password_forgot")
    for email in ("nobody@example.com", charlie.email, alice.email):
        response = _client().post(url, {"email": email})
        assert response.status_code == 200 and b"Check your e-mail" in response.content
    run_pending()
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert _client().post(url, {"email": "<b>"}).status_code == 400


def test_a_person_changes_their_own_password_and_stays_signed_in(alice: Any) -> None:
    client = _client(alice)
    url = reverse("accounts:password_change")
    wrong = client.post(
        url,
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    right = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert right.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert client.get(reverse("accounts:settings")).status_code == 200
    assert AuditEvent.objects.filter(action="user.password_changed", actor=alice).exists()


def test_an_admin_makes_a_team_chooses_members_and_leads_and_deletes_it(
    ada: Any, alice: Any, bob: Any, make_postmortem: Any
) -> None:
    payments = make_postmortem().team
    admin = _client(ada)
    created = admin.post(reverse("administration:team_new"), {"name": "Data Platform"})
    team = Team.objects.get(name="Data Platform")
    assert created.status_code == 302 and team.slug == "data-platform"
    url = reverse("administration:team", args=[team.pk])
    saved = admin.post(
        url,
        {"name": "Data", "slug": "data", "member": [alice.pk, bob.pk], "lead": [alice.pk, "x"]},
    )
    assert saved.status_code == 302
    team.refresh_from_db()
    members = {m.user.username: m.is_lead for m in Membership.objects.filter(team=team)}
    assert (team.name, members) == ("Data", {"alice": True, "bob": False})
    assert admin.post(url, {"name": "", "slug": "data"}).status_code == 400
    kept = admin.post(reverse("administration:team_delete", args=[payments.pk]), follow=True)
    assert "owns incidents or postmortems" in kept.content.decode()
    assert Team.objects.filter(pk=payments.pk).exists()
    admin.post(reverse("administration:team_delete", args=[team.pk]))
    assert not Team.objects.filter(pk=team.pk).exists()
