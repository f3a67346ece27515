"""One data set with a payload in every text field a person can fill, made through the real
services (the Django admin's own models, which have none, through the ORM as the admin does).

Left out on purpose:
* usernames, e-mail addresses, time zones, languages, the policy's recipients, review
  checklists, anchors of comment threads: validated to a shape that holds no markup;
* integrations (name, secret, mappings) and their delivery log: admin-only configuration; what
  an alerting tool sends lands in the incident fields (title, summary, events) covered here;
  what a tracker sends back (an issue's key, state and address) is covered on an item's link;
  a tracker's settings and sync log are for leads and admins;
* the writing check's vocabulary (admin JSON) and the job queue's errors: not typed by users;
* revision snapshots, versions, search documents, notification texts, incident events and
  the audit log's names: copies of the fields above, made by Hansei (and shown on the pages
  visited). What an anonymous visitor puts in the audit log (a browser's User-Agent, the name
  of a failed sign-in) is typed during the test's tour instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from hansei.accounts.models import Team, User
from hansei.accounts.services import create_api_token, update_preferences
from hansei.action_items.models import ActionStatus
from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.collab.comments.models import CommentThread
from hansei.collab.comments.services import reply_to_comment_thread, start_comment_thread
from hansei.conftest import FULL_CHECKLIST, fill_required_sections
from hansei.core.jobs import enqueue
from hansei.culture.awards.services import nominate_postmortem
from hansei.culture.drills import services as drills
from hansei.culture.feedback.models import Survey, SurveyInvitation
from hansei.culture.feedback.services import answer_survey
from hansei.culture.kudos.services import give_kudos
from hansei.culture.reading import services as reading
from hansei.incidents.models import Incident, PostmortemPolicy, Service, Severity
from hansei.incidents.services import (
    IncidentInput,
    create_incident,
    request_postmortem,
    update_incident,
    update_policy,
    update_severity,
)
from hansei.integrations.models import TrackerConfig, TrackerLink
from hansei.integrations.trackers.sync import web_address
from hansei.notifications.services import notify_postmortem_owner
from hansei.postmortems.analysis import services as analysis
from hansei.postmortems.analysis.models import ContributingFactorCategory
from hansei.postmortems.customer import services as customer
from hansei.postmortems.document.services import (
    create_postmortem,
    publish_postmortem,
    start_amendment,
    update_section,
)
from hansei.postmortems.template_library.models import SectionKind, Template
from hansei.postmortems.template_library.services import SectionSpec, save_template
from hansei.postmortems.timeline.services import add_timeline_entry
from hansei.postmortems.writing_check.queries import lint_postmortem_for
from hansei.postmortems.writing_check.services import dismiss_finding
from hansei.reviews.services import (
    approve_review,
    record_meeting_note,
    request_changes,
    submit_for_review,
)
from hansei.search.saved import save_search
from hansei.search.services import add_synonym
from hansei.tests.xss.payloads import SCRIPT_URL, URL_PAYLOADS, pack, short

# The fields, numbered: a signal's tag names one of them (tag = field * 100 + payload).
FIELDS = {
    10: "incident title",
    11: "incident summary",
    12: "postmortem request reason",
    13: "service name",
    14: "severity name",
    15: "severity description",
    16: "team name",
    17: "team description",
    18: "display name (owner)",
    19: "display name (teammate)",
    20: "display name (reviewer)",
    21: "API token name",
    22: "template name",
    23: "template description",
    24: "template section title",
    25: "template section help text",
    26: "postmortem title",
    27: "section text (Markdown)",
    28: "timeline entry text",
    29: "timeline entry link",
    30: "action item title",
    31: "action item reason for not doing it",
    32: "action item tracking link",
    33: "impact notes",
    34: "contributing factor category name",
    35: "contributing factor category description",
    36: "contributing factor description",
    37: "5 whys problem",
    38: "5 whys answer",
    39: "dismissed finding's text",
    40: "dismissed finding's reason",
    41: "review comment (changes requested)",
    42: "review comment (approval)",
    43: "review meeting notes",
    44: "review meeting attendees",
    45: "comment",
    46: "comment reply",
    47: "comment quote",
    48: "revision change note",
    49: "imported chat text",
    50: "imported chat author",
    51: "search query",
    52: "other query parameters",
    53: "second incident title",
    54: "refused form input (echoed back with its error)",
    55: "first and last name (from single sign-on)",
    56: "browser's User-Agent (audit log)",
    57: "user name of a failed sign-in (audit log)",
    61: "action item verification",
    62: "tracker issue key and state",
    63: "customer report title",
    64: "customer report section text (Markdown)",
    65: "customer report change note",
    66: "search synonym words",
    67: "saved search name",
    68: "postmortem of the month nomination reason",
    69: "kudos message",
    70: "process survey: what would you change",
    71: "reading list title",
    72: "reading list description",
    73: "outside reading's title and link",
    74: "why read it (a reading's note)",
    75: "reading club session title",
    76: "reading club session place",
    77: "reading club discussion comment (Markdown)",
    78: "reading club session notes (Markdown)",
    79: "drill debrief notes (Markdown)",
    80: "drill opening, as its game master corrected it",
    81: "drill card written by its game master",
    82: "drill card's clue (reveal it when)",
    83: "drill question written by its game master",
}


@dataclass
class DataSet:
    canary: str
    ids: dict[str, Any] = field(default_factory=dict)

    def text(self, field_id: int, limit: int = 100_000) -> str:
        """Every payload for ``field_id`` that fits, in one text."""
        return pack(field_id, self.canary, limit)[0]

    def texts(self, field_id: int, limit: int) -> list[str]:
        return pack(field_id, self.canary, limit)

    def line(self, field_id: int, limit: int, skip: int = 0) -> str:
        return short(field_id, self.canary, limit, skip)

    def urls(self, field_id: int) -> list[str]:
        return [p.render(field_id, self.canary) for p in URL_PAYLOADS]

    def script_url(self, field_id: int) -> str:
        return SCRIPT_URL.render(field_id, self.canary)


def _refused(call: Any, **kwargs: Any) -> None:
    """A javascript: URL in a link field is refused by the service."""
    try:
        call(**kwargs)
    except ValidationError:
        return
    raise AssertionError(f"{call.__name__} took a javascript: URL")


def build(canary: str, users: dict[str, Any], team: Any) -> DataSet:
    """Everything, through the services. The postmortem ends as an amendment draft that a
    reviewer sent back, with two published revisions behind it."""
    data = DataSet(canary)
    alice, bob, rita, ada = (users[n] for n in ("alice", "bob", "rita", "ada"))
    Team.objects.filter(pk=team.pk).update(name=data.line(16, 100), description=data.text(17))
    for user, field_id in ((alice, 18), (bob, 19), (rita, 20)):
        update_preferences(
            actor=user, display_name=data.line(field_id, 150), language="en", time_zone=""
        )
        user.refresh_from_db()
    create_api_token(actor=alice, name=data.line(21, 100))
    # Single sign-on fills first and last name from the identity provider; a person without a
    # display name is shown by them.
    User.objects.filter(pk=users["charlie"].pk).update(
        display_name="", first_name=data.line(55, 150), last_name=data.line(55, 150, skip=4)
    )
    _admin_data(data, ada, team)
    save_search(actor=users["charlie"], name=data.line(67, 100), query="payload", filters={})
    incident = _incidents(data, alice, bob, team)
    postmortem = _postmortem(data, alice, bob, incident)
    _review_and_publish(data, alice, rita, postmortem)
    _customer_version(data, alice, rita, postmortem)
    _culture(data, alice, bob, rita, postmortem)
    return data


def _culture(data: DataSet, alice: Any, bob: Any, rita: Any, postmortem: Any) -> None:
    """Nominated for postmortem of the month, its writer thanked, its survey answered."""
    postmortem.refresh_from_db()
    nomination = nominate_postmortem(actor=bob, postmortem=postmortem, reason=data.text(68, 1000))
    data.ids["award_round"] = (nomination.round.month.year, nomination.round.month.month)
    give_kudos(
        actor=bob, postmortem=postmortem, receiver=alice, kind="writing", message=data.text(69, 500)
    )
    # Three answers (a group shows from three), one named, one anonymous.
    survey = Survey.objects.get(postmortem=postmortem)
    for user in (alice, bob, rita):
        SurveyInvitation.objects.get_or_create(survey=survey, user=user)
    for user, anonymous in ((alice, False), (bob, True), (rita, False)):
        answer_survey(
            actor=user,
            survey=survey,
            helped=4,
            toil=2,
            tools=5,
            change=data.text(70, 2000),
            anonymous=anonymous,
        )
    # Closed: only then do its answers count on the results page.
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    _reading_club(data, alice, bob, postmortem)
    _drill(data, alice, postmortem)


def _drill(data: DataSet, alice: Any, postmortem: Any) -> None:
    """Drills of the postmortem (its title, timeline and sections as cards and answer key),
    corrected by their game master: one still planned; one with every card revealed,
    finished with debrief notes."""
    planned = drills.create_drill(actor=alice, postmortem=postmortem, game_master=alice)
    drill = drills.create_drill(actor=alice, postmortem=postmortem, game_master=alice)
    for each in (planned, drill):
        drills.save_opening(actor=alice, drill=each, opening=data.text(80, drills.MAX_OPENING))
        drills.save_card(
            actor=alice,
            drill=each,
            phase="diagnosis",
            offset_minutes=7,
            text=data.text(81, drills.MAX_CARD),
            reveals=data.line(82, drills.MAX_REVEALS),
        )
        drills.save_question(
            actor=alice, drill=each, phase="diagnosis", text=data.line(83, drills.MAX_QUESTION)
        )
    data.ids["planned_drill"] = planned.pk
    drills.start_drill(actor=alice, drill=drill)
    for card in drill.cards.all():
        drills.reveal_card(actor=alice, card=card)
    drills.finish_drill(actor=alice, drill=drill)
    drills.save_debrief(actor=alice, drill=drill, debrief=data.text(79, 20000))
    data.ids["drill"] = drill.pk


def _reading_club(data: DataSet, alice: Any, bob: Any, postmortem: Any) -> None:
    """A list with the postmortem and outside readings, a session under way with a
    discussion and notes."""
    reading_list = reading.create_list(
        actor=alice, title=data.line(71, 200), description=data.text(72, 2000)
    )
    data.ids["reading_list"] = reading_list.pk
    reading.add_reading(
        actor=alice, reading_list=reading_list, link=str(postmortem.pk), note=data.text(74, 1000)
    )
    for n, url in enumerate(data.urls(73)):
        reading.add_reading(
            actor=alice,
            reading_list=reading_list,
            link=url,
            title=data.line(73, 300, skip=n),
            note=data.text(74, 1000),
        )
    session = reading.schedule_session(
        actor=alice,
        title=data.line(75, 200),
        location=data.line(76, 500),
        starts_at=timezone.now() - timedelta(minutes=10),
        duration=120,
        facilitator=alice,
        readings=list(reading_list.readings.all()),
    )
    data.ids["reading_session"] = session.pk
    reading.set_going(actor=bob, session=session, going=True)
    reading.add_comment(actor=bob, session=session, body=data.text(77, 5000))
    reading.save_notes(actor=alice, session=session, notes=data.text(78, 20000))


def _customer_version(data: DataSet, alice: Any, rita: Any, postmortem: Any) -> None:
    """Published twice (the second with a change note), at its public address."""
    report = customer.start_customer_report(
        actor=alice, postmortem=postmortem, template_key="customer_en"
    )
    for number in (1, 2):
        bodies = {s["key"]: data.text(64, 20_000) + f" r{number}" for s in report.sections}
        customer.save_customer_report(
            actor=alice, report=report, title=data.line(63, 200), bodies=bodies
        )
        customer.submit_customer_report(actor=alice, report=report)
        customer.approve_customer_report(actor=rita, report=report)
        customer.publish_customer_report(actor=alice, report=report, change_note=data.line(65, 500))
    report.refresh_from_db()
    data.ids["customer_token"] = report.public_token


def _admin_data(data: DataSet, ada: Any, team: Any) -> None:
    update_severity(
        actor=ada,
        severity=Severity.objects.get(level=2),
        changes={"name": data.line(14, 32), "description": data.line(15, 200)},
    )
    update_policy(actor=ada, changes={"announcement_recipients": "postmortems@example.com"})
    assert PostmortemPolicy.current().recipients()
    data.ids["services"] = [
        Service.objects.create(name=name, slug=f"xss-{n}", team=team)
        for n, name in enumerate(data.texts(13, 100)[:3])
    ]
    ContributingFactorCategory.objects.create(
        name=data.line(34, 100), description=data.line(35, 300), position=0
    )
    default = Template.objects.get(language="en", is_default=True)
    help_texts = data.texts(25, 2000)
    sections = [
        SectionSpec(
            key=s.key,
            title=data.line(24, 150, skip=n),
            kind=s.kind,
            help_text=help_texts[n % len(help_texts)],
            required=s.required,
        )
        for n, s in enumerate(default.sections.all())
    ]
    template = save_template(
        actor=ada,
        template=default,
        name=data.line(22, 100),
        language="en",
        sections=sections,
        description=data.line(23, 300),
        is_default=True,
    )
    data.ids["template"] = template.pk
    add_synonym(actor=ada, words=f"{data.line(66, 140)}, synonym {data.line(66, 140, skip=1)}")


def _incidents(data: DataSet, alice: Any, bob: Any, team: Any) -> Any:
    now = timezone.now().replace(second=0, microsecond=0)
    values: dict[str, Any] = {
        "title": data.line(10, 200, skip=1),
        "severity": Severity.objects.get(level=2),
        "team": team,
        "started_at": now - timedelta(hours=3),
        "detected_at": now - timedelta(hours=2, minutes=50),
        "resolved_at": now - timedelta(hours=1),
        "summary": data.text(11, 20_000),
        "services": data.ids["services"],
        "responders": [bob],
        "downtime_minutes": 50,
    }
    incident = create_incident(actor=alice, data=IncidentInput(**values))
    # A second change: the incident's history records old and new title and commander.
    values.update(title=data.line(10, 200), commander=bob)
    incident = update_incident(actor=alice, incident=incident, data=IncidentInput(**values))
    values.update(title=data.line(53, 200, skip=2), commander=None)
    second = create_incident(actor=alice, data=IncidentInput(**values))
    # One without a postmortem, which someone asked for: "My work" lists it, with the reason.
    values.update(
        title=data.line(53, 200, skip=5),
        severity=Severity.objects.get(level=4),
        detected_at=values["started_at"] + timedelta(minutes=2),
        resolved_at=values["started_at"] + timedelta(minutes=5),
        downtime_minutes=None,
    )
    third = create_incident(actor=alice, data=IncidentInput(**values))
    request_postmortem(actor=bob, incident=third, reason=data.text(12, 500))
    data.ids.update(
        incident=incident.pk,
        second_incident=second.pk,
        third_incident=third.pk,
        started_at=values["started_at"],
    )
    return incident


def _postmortem(data: DataSet, alice: Any, bob: Any, incident: Any) -> Any:
    postmortem = create_postmortem(actor=alice, incident=incident, title=data.line(26, 200))
    fill_required_sections(postmortem)
    analysis.link_incident(
        actor=alice, postmortem=postmortem, incident=_incident(data.ids["second_incident"])
    )
    _write_sections(data, alice, postmortem)
    links = data.urls(29)
    entries = [
        add_timeline_entry(
            actor=alice,
            postmortem=postmortem,
            occurred_at=data.ids["started_at"] + timedelta(minutes=n),
            text=text,
            is_key_event=True,
            link_url=links[n % len(links)],
        )
        for n, text in enumerate(data.texts(28, 2000))
    ]
    _refused(
        add_timeline_entry,
        actor=alice,
        postmortem=postmortem,
        occurred_at=data.ids["started_at"],
        text="A link",
        link_url=data.script_url(29),
    )
    data.ids["timeline_entry"] = entries[0].pk
    _action_items(data, alice, bob, postmortem)
    analysis.update_impact(
        actor=alice,
        postmortem=postmortem,
        data=analysis.ImpactInput(affected_count=10, notes=data.text(33, 5000)),
    )
    category = ContributingFactorCategory.objects.get(name=data.line(34, 100))
    for text in data.texts(36, 5000):
        analysis.add_contributing_factor(
            actor=alice, postmortem=postmortem, category=category, description=text
        )
    problems, answers = data.texts(37, 500), data.texts(38, 500)
    chains = [
        analysis.start_why_chain(
            actor=alice,
            postmortem=postmortem,
            problem=problem,
            whys=answers[n * 7 : n * 7 + 7] or answers[:1],
        )
        for n, problem in enumerate(problems)
    ]
    analysis.copy_why_chain_to_root_causes(actor=alice, chain=chains[0])
    _dismiss_findings(data, alice, postmortem)
    thread = start_comment_thread(
        actor=alice,
        postmortem=postmortem,
        body="@bob @rita " + data.text(45, 9000),
        section_key="summary",
        quote=data.text(47, 1000),
    )
    reply_to_comment_thread(actor=bob, thread=thread, body="@alice " + data.text(46, 9000))
    whole = start_comment_thread(actor=bob, postmortem=postmortem, body=data.text(45, 9000))
    data.ids.update(postmortem=postmortem.pk, thread=thread.pk, whole_thread=whole.pk)
    return postmortem


def _dismiss_findings(data: DataSet, actor: Any, postmortem: Any) -> None:
    """A real finding of the writing check dismissed with a payload as the reason (its text
    is what the check matched), and made-up ones whose text is a payload too (shown in the
    administration only: they match no finding)."""
    finding = lint_postmortem_for(postmortem, ui_lang="en").blame_open[0]
    dismiss_finding(
        actor=actor,
        postmortem=postmortem,
        fingerprint=finding.fingerprint,
        rule_id=finding.rule_id,
        section_key=finding.section_key,
        text=finding.text,
        reason=data.text(40, 1000),
    )
    for text in data.texts(39, 500)[:4]:
        dismiss_finding(
            actor=actor,
            postmortem=postmortem,
            fingerprint="",
            rule_id="blame-person",
            section_key="summary",
            text=text,
            reason=data.text(40, 1000),
        )


def _thread(pk: int) -> Any:
    return CommentThread.objects.get(pk=pk)


def _incident(pk: int) -> Any:
    return Incident.objects.get(pk=pk)


def _write_sections(data: DataSet, actor: Any, postmortem: Any) -> None:
    # A sentence the writing check finds blaming, so that a finding can be dismissed.
    body = "The engineer forgot to restart the service.\n\n" + data.text(27)
    for section in postmortem.sections.filter(kind=SectionKind.MARKDOWN):
        update_section(actor=actor, section=section, body=body)


def _action_items(data: DataSet, alice: Any, bob: Any, postmortem: Any) -> None:
    reasons = data.texts(31, 1000)
    links = data.urls(32)
    items = []
    for n, title in enumerate(data.texts(30, 300)):
        wont = n < len(reasons)
        item = add_action_item(
            actor=alice,
            postmortem=postmortem,
            data=ActionItemInput(
                title=title,
                owner=bob,
                due_date=timezone.localdate() + timedelta(days=7),
                status=ActionStatus.WONT_DO if wont else ActionStatus.OPEN,
                wont_do_reason=reasons[n] if wont else "",
                tracking_url=links[n % len(links)],
                verification=data.text(61, 2000),
            ),
        )
        items.append(item)
    # What a tracker's webhook brings back (anyone who can post to it types these): its key,
    # its state's name and its address, kept on the last item's link.
    config = TrackerConfig.objects.create(
        team=postmortem.team, kind="github", base_url="https://api.github.com",
        token_variable="HANSEI_TRACKER_XSS", project="acme/payments", done_states=["closed"],
    )  # fmt: skip
    TrackerLink.objects.create(
        item=items[-1], config=config, kind="github", state="linked",
        key=data.line(62, 200), remote_id="1", remote_state=data.line(62, 100, skip=1),
        url=web_address(data.urls(62)[0]) or "https://github.com/acme/payments/issues/1",
    )  # fmt: skip
    _refused(
        add_action_item,
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(title="Refused", tracking_url=data.script_url(32)),
    )
    data.ids["action_item"] = items[-1].pk


def _review_and_publish(data: DataSet, alice: Any, rita: Any, postmortem: Any) -> None:
    """Two publications (the second an amendment with its change note), then a third round
    sent back by the reviewer: the postmortem ends as a draft again, with everything shown."""
    notes = data.texts(43, 50_000)[0]
    record_meeting_note(
        actor=alice,
        postmortem=postmortem,
        held_on=timezone.localdate(),
        notes=notes,
        attendees=data.text(44, 1000),
    )
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    request_changes(actor=rita, review=review, comment=data.text(41, 20_000))
    change_notes = data.texts(48, 500)
    for number in (1, 2):
        [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
        approve_review(
            actor=rita, review=review, checklist=FULL_CHECKLIST, comment=data.text(42, 20_000)
        )
        data.ids["approved_review"] = review.pk
        publish_postmortem(
            actor=alice, postmortem=postmortem, change_note=change_notes[number % len(change_notes)]
        )
        start_amendment(actor=alice, postmortem=postmortem)
        if number == 1:
            summary = postmortem.sections.get(key="summary")
            update_section(actor=alice, section=summary, body=summary.body + "\n\nAmended.")
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    request_changes(actor=rita, review=review, comment=data.text(41, 20_000))
    notify_postmortem_owner(postmortem=postmortem)
    # An e-mail queued whole by an earlier version (subject and bodies in the job): the
    # admin's job page shows its payload.
    enqueue(
        "notifications.send_email",
        {"to": ["list@example.com"], "subject": postmortem.title, "body": "", "html": ""},
    )
    # Now a reviewer, Rita may read the thread: a mention reaches her inbox and her e-mail.
    reply_to_comment_thread(
        actor=alice, thread=_thread(data.ids["thread"]), body="@rita " + data.text(46, 9000)
    )
    data.ids["review"] = review.pk
