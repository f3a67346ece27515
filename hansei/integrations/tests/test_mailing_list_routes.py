"""Distribution lists by team and severity: a route of kind "mailing_list" e-mails the
announcement to a list's address, through the same queue as every chat route, over a real
SMTP server (aiosmtpd)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from hansei.conftest import message_text
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.integrations.models import ChatRoute
from hansei.postmortems.document.services import publish_postmortem

pytestmark = pytest.mark.django_db


def _list(name: str, address: str, **values: Any) -> ChatRoute:
    route = ChatRoute(name=name, kind="mailing_list", target=address, **values)
    route.full_clean()
    route.save()
    return route


def test_a_teams_severe_postmortems_reach_its_list_once(
    approved_postmortem: Any, alice: Any, payments: Any, search_team: Any, smtp_server: Any
) -> None:
    _list("Payments SEV1-2", "payments-incidents@example.com", team=payments, max_severity=2)
    _list("Payments SEV1 only", "payments-sev1@example.com", team=payments, max_severity=1)
    _list("Search", "search@example.com", team=search_team)

    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    run_pending()
    run_pending()

    to_lists = [
        (envelope.rcpt_tos, message)
        for envelope, message in zip(smtp_server.envelopes, smtp_server.messages, strict=True)
        if envelope.rcpt_tos[0].startswith(("payments-", "search@"))
    ]
    [(to, message)] = to_lists
    assert to == ["payments-incidents@example.com"]
    assert approved_postmortem.title in message["Subject"]
    body = message_text(message)
    assert f"/postmortems/{approved_postmortem.pk}/" in body
    assert "Payments failed for 50 minutes" not in body  # titles and facts, never the text
    route = ChatRoute.objects.get(name="Payments SEV1-2")
    assert route.last_delivered_at is not None and route.last_error == ""


def test_a_refused_address_fails_for_good_with_the_reason(
    approved_postmortem: Any, alice: Any, payments: Any, smtp_server: Any, settings: Any
) -> None:
    _list("Payments", "payments@example.com", team=payments)

    class Refusing:
        async def handle_RCPT(
            self, server: Any, session: Any, envelope: Any, address: str, options: Any
        ) -> str:
            return "550 No such list"

    from aiosmtpd.controller import Controller

    from hansei.conftest import free_port

    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_PORT = port
    try:
        publish_postmortem(actor=alice, postmortem=approved_postmortem)
        run_pending()
    finally:
        controller.stop()

    job = Job.objects.get(kind="integrations.chat")
    assert job.failed and "refused payments@example.com" in job.last_error
    assert "refused" in ChatRoute.objects.get().last_error


@pytest.mark.parametrize(
    "address", ["not an address", "a@b", "x" * 600, "list@example.com\nBcc: x@y"]
)
def test_a_bad_list_address_is_refused(address: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _list("Bad", address)

    assert "target" in refused.value.message_dict
    assert not ChatRoute.objects.exists()
