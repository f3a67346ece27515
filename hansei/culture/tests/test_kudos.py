from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hansei.conftest import message_text
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.culture.kudos.models import Kudos, KudosFor
from hansei.culture.kudos.queries import kudos_on, kudos_received
from hansei.culture.kudos.services import give_kudos
from hansei.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def test_it_thanks_the_writer_who_hears_of_it(publish: Any, alice: Any, bob: Any) -> None:
    postmortem = publish()

    kudos = give_kudos(
        actor=bob,
        postmortem=postmortem,
        receiver=alice,
        kind=KudosFor.WRITING,
        message="The timeline made it obvious.",
    )

    assert kudos_on(bob, postmortem) == [kudos]
    [told] = Notification.objects.filter(kind=NotificationKind.KUDOS)
    assert told.recipient == alice and told.text == "Bob thanked you for writing “Checkout outage”"
    assert told.url.endswith("#kudos")


def test_it_thanks_a_reviewer_for_the_review(publish: Any, alice: Any, rita: Any) -> None:
    postmortem = publish()

    give_kudos(actor=alice, postmortem=postmortem, receiver=rita, kind="review", message="Sharp.")

    told = Notification.objects.get(recipient=rita, kind=NotificationKind.KUDOS)
    assert told.text == "Alice thanked you for your review of “Checkout outage”"


@pytest.mark.parametrize(
    ("who", "kind", "message", "error"),
    [
        ("rita", "writing", "Thanks", "did not write"),
        ("alice", "review", "Thanks", "did not review"),
        ("bob", "writing", "Thanks", "Thank someone else"),
        ("alice", "bravery", "Thanks", "writing or for a review"),
        ("alice", "writing", "  ", "Say what"),
        ("alice", "writing", "x" * 501, "At most 500"),
    ],
)
def test_it_refuses_what_is_not_a_thank_you(
    publish: Any, alice: Any, bob: Any, rita: Any, who: str, kind: str, message: str, error: str
) -> None:
    postmortem = publish()
    receiver = {"alice": alice, "bob": bob, "rita": rita}[who]

    with pytest.raises(ValidationError, match=error):
        give_kudos(actor=bob, postmortem=postmortem, receiver=receiver, kind=kind, message=message)
    assert not Kudos.objects.exists() and not Notification.objects.filter(kind="kudos").exists()


def test_one_thank_you_per_reason(publish: Any, alice: Any, bob: Any) -> None:
    postmortem = publish()
    give_kudos(actor=bob, postmortem=postmortem, receiver=alice, kind="writing", message="One.")

    with pytest.raises(ValidationError, match="already thanked"):
        give_kudos(actor=bob, postmortem=postmortem, receiver=alice, kind="writing", message="Two.")
    assert Kudos.objects.count() == 1


def test_announced_kudos_reach_the_persons_teams(
    publish: Any, alice: Any, bob: Any, rita: Any
) -> None:
    postmortem = publish()

    give_kudos(
        actor=rita,
        postmortem=postmortem,
        receiver=alice,
        kind="writing",
        message="Exemplary.",
        announce=True,
    )

    told = Notification.objects.filter(kind=NotificationKind.KUDOS)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["alice", "bob"]
    assert told.get(recipient=bob).text == "Rita thanked Alice for writing “Checkout outage”"
    assert told.get(recipient=bob).reason == "You are a member of the Payments team."


def test_announced_thanks_come_by_email_too(
    publish: Any, alice: Any, bob: Any, rita: Any, smtp_server: Any
) -> None:
    postmortem = publish()
    Job.objects.all().delete()

    give_kudos(
        actor=rita,
        postmortem=postmortem,
        receiver=alice,
        kind="writing",
        message="You named the <b>missing</b> alert.",
        announce=True,
    )
    run_pending()

    pairs = zip(smtp_server.envelopes, smtp_server.messages, strict=True)
    mails = {envelope.rcpt_tos[0]: message for envelope, message in pairs}
    assert set(mails) == {alice.email, bob.email}  # she is thanked; he, her teammate, hears
    to_bob = mails[bob.email]
    assert to_bob["Subject"] == "Kudos to Alice"
    text = message_text(to_bob)
    assert "Rita thanked Alice, your teammate, for writing the postmortem" in text
    assert "You named the <b>missing</b> alert." in text
    html = next(p for p in to_bob.walk() if p.get_content_type() == "text/html")
    assert "&lt;b&gt;missing&lt;/b&gt;" in html.get_payload(decode=True).decode()


def test_kudos_on_a_restricted_postmortem_stay_with_its_readers(
    publish: Any, alice: Any, bob: Any, charlie: Any
) -> None:
    restricted = publish("Leaked keys", restricted=True)
    give_kudos(actor=bob, postmortem=restricted, receiver=alice, kind="writing", message="Brave.")

    assert len(kudos_received(bob, alice)) == 1
    assert kudos_received(charlie, alice) == []
    with pytest.raises(PermissionDenied):
        give_kudos(
            actor=charlie, postmortem=restricted, receiver=alice, kind="writing", message="Hi."
        )
