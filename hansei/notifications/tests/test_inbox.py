"""The in-app inbox: the list, the unread badge in the top bar, marking read, and hiding what
its reader may no longer see."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hansei.accounts.models import Membership
from hansei.collab.comments.services import start_comment_thread
from hansei.notifications.models import Notification

pytestmark = pytest.mark.django_db

BADGE = '<span class="visually-hidden">{n} unread</span>'


@pytest.fixture
def mentioned(alice: Any, bob: Any, make_postmortem: Any) -> list[Notification]:
    """Two mentions of Bob, on two postmortems."""
    for title in ("Checkout API returned 500s", "Search index went stale"):
        postmortem = make_postmortem(title=title)
        start_comment_thread(actor=alice, postmortem=postmortem, body=f"@bob see {title}")
    return list(Notification.objects.filter(recipient=bob))


def test_it_lists_my_notifications_and_counts_the_unread_in_the_top_bar(
    client: Any, bob: Any, mentioned: list[Notification]
) -> None:
    client.force_login(bob)

    home = client.get(reverse("home:my_work")).content.decode()
    assert BADGE.format(n=2) in home and 'href="/notifications/"' in home

    page = client.get(reverse("notifications:inbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 unread" in html
    for notification in mentioned:
        assert f'<a class="title" href="{notification.url}">' in html
    assert "Alice mentioned you on “Search index went stale”" in html


def test_it_marks_one_then_all_read(client: Any, bob: Any, mentioned: list[Notification]) -> None:
    client.force_login(bob)
    first, second = mentioned

    response = client.post(reverse("notifications:read", args=[first.pk]))

    assert response.status_code == 302 and response["Location"] == "/notifications/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert BADGE.format(n=1) in client.get(reverse("home:my_work")).content.decode()

    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=bob, read_at__isnull=True).exists()
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "0 unread" in html and "Mark all as read" not in html
    assert "unread</span>" not in client.get(reverse("home:my_work")).content.decode()


def test_it_hides_notifications_about_what_i_can_no_longer_read(
    client: Any, bob: Any, mentioned: list[Notification]
) -> None:
    Membership.objects.filter(user=bob).delete()  # Bob left the team
    client.force_login(bob)

    html = client.get(reverse("notifications:inbox")).content.decode()

    assert "Checkout API" not in html and "0 unread" in html
    assert "unread</span>" not in html
    response = client.post(reverse("notifications:read", args=[mentioned[0].pk]))
    assert response.status_code == 404
    mentioned[0].refresh_from_db()
    assert mentioned[0].read_at is None


def test_nobody_reads_or_marks_someone_elses_notifications(
    client: Any, alice: Any, charlie: Any, mentioned: list[Notification]
) -> None:
    for user in (alice, charlie):
        client.force_login(user)
        assert "Checkout API" not in client.get(reverse("notifications:inbox")).content.decode()
        response = client.post(reverse("notifications:read", args=[mentioned[0].pk]))
        assert response.status_code == 404
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_it_asks_strangers_to_sign_in(client: Any) -> None:
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(reverse("notifications:read_all")).status_code == 302


def test_review_requests_and_decisions_reach_the_inbox(
    client: Any, alice: Any, rita: Any, make_postmortem: Any
) -> None:
    """A reviewer's inbox shows the review waiting for her; the owner's shows the changes
    she requested and, after the next round, her approval. Each links where to act."""
    from hansei.conftest import FULL_CHECKLIST
    from hansei.notifications.models import NotificationKind
    from hansei.reviews.services import approve_review, request_changes, submit_for_review

    postmortem = make_postmortem(title="R&D billing stalled")
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    [asked] = Notification.objects.filter(recipient=rita)
    assert asked.kind == NotificationKind.REVIEW_REQUESTED
    assert asked.text == f"{alice.name} asked you to review “R&D billing stalled”"
    assert asked.url == reverse("reviews:review", args=[postmortem.pk, review.pk])

    request_changes(actor=rita, review=review, comment="Add numbers.", checklist={})
    [changes] = Notification.objects.filter(recipient=alice)
    assert changes.kind == NotificationKind.CHANGES_REQUESTED
    assert changes.text == f"{rita.name} requested changes on “R&D billing stalled”"

    [second] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    approve_review(actor=rita, review=second, checklist=FULL_CHECKLIST, comment="")
    approved = Notification.objects.filter(recipient=alice, kind=NotificationKind.APPROVED)
    assert [n.text for n in approved] == [f"{rita.name} approved “R&D billing stalled”"]

    client.force_login(rita)
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "asked you to review" in html and "R&amp;D billing stalled" in html


def test_an_inbox_line_is_in_its_reader_s_language(
    alice: Any, rita: Any, make_postmortem: Any
) -> None:
    from hansei.reviews.services import submit_for_review

    rita.language = "ja"
    rita.save(update_fields=["language"])
    submit_for_review(actor=alice, postmortem=make_postmortem(title="決済障害"), reviewers=[rita])

    [asked] = Notification.objects.filter(recipient=rita)
    assert asked.text == f"{alice.name} さんから「決済障害」のレビューを依頼されました"


def test_the_inbox_groups_by_postmortem_newest_first(
    client: Any, alice: Any, bob: Any, make_postmortem: Any
) -> None:
    older = make_postmortem(title="Checkout API returned 500s")
    newer = make_postmortem(title="Search index went stale")
    start_comment_thread(actor=alice, postmortem=older, body="@bob first")
    start_comment_thread(actor=alice, postmortem=newer, body="@bob second")
    start_comment_thread(actor=alice, postmortem=older, body="@bob third")
    client.force_login(bob)

    html = client.get(reverse("notifications:inbox")).content.decode()

    headings = [html.index(f'href="/postmortems/{pm.pk}/">') for pm in (older, newer)]
    assert headings[0] < headings[1]  # the group with the newest entry comes first
    first_group = html[headings[0] : headings[1]]
    assert first_group.count('class="notification is-unread"') == 2
    assert '<span class="badge badge-open">2</span>' in first_group


def test_the_team_hears_of_its_publication_and_its_amendments(
    alice: Any, bob: Any, charlie: Any, rita: Any, approved_postmortem: Any
) -> None:
    """Bob (the team) is told; Alice (who published) is not; Charlie (another team) and
    Rita (a reviewer outside the team) are not."""
    from hansei.conftest import FULL_CHECKLIST
    from hansei.notifications.models import NotificationKind
    from hansei.postmortems.document.services import publish_postmortem, start_amendment
    from hansei.reviews.services import approve_review, submit_for_review

    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    published = Notification.objects.filter(kind=NotificationKind.PUBLISHED)
    assert [(n.recipient, n.text) for n in published] == [
        (bob, f"{alice.name} published “{approved_postmortem.title}”")
    ]

    start_amendment(actor=alice, postmortem=approved_postmortem)
    [review] = submit_for_review(actor=alice, postmortem=approved_postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST)
    publish_postmortem(actor=alice, postmortem=approved_postmortem, change_note="Numbers.")
    latest = published.filter(recipient=bob).first()
    assert latest is not None
    assert latest.text == f"{alice.name} published an amendment of “{approved_postmortem.title}”"
    assert not published.exclude(recipient=bob).exists()
