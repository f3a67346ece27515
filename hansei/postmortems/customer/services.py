"""Every change to a customer report: start, write, submit, approve or send back, publish,
and its public address. Four eyes on everything customers read: a report is published only as
a second person approved it, and any change after approval takes the approval away."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core import audit
from hansei.core.errors import InvalidState
from hansei.postmortems.customer.builtin import CUSTOMER_TEMPLATES, seed_sections
from hansei.postmortems.customer.models import (
    MAX_CUSTOMER_SECTION_CHARS,
    MAX_CUSTOMER_TITLE_CHARS,
    CustomerReport,
    CustomerRevision,
    CustomerStatus,
    new_public_token,
)
from hansei.postmortems.document.models import Postmortem


@transaction.atomic
def start_customer_report(
    *, actor: User, postmortem: Postmortem, template_key: str
) -> CustomerReport:
    access.require(access.can_edit_postmortem(actor, postmortem))
    template = CUSTOMER_TEMPLATES.get(template_key)
    if template is None:
        raise ValidationError({"template": _("Choose one of the customer templates.")})
    try:
        with transaction.atomic():
            report = CustomerReport.objects.create(
                postmortem=postmortem,
                template=template.key,
                language=template.language,
                title=postmortem.title[:MAX_CUSTOMER_TITLE_CHARS],
                sections=seed_sections(postmortem, template),
                created_at=timezone.now(),
                updated_at=timezone.now(),
                updated_by=actor,
            )
    except IntegrityError:
        raise InvalidState(_("This postmortem already has a customer version.")) from None
    audit.record("customer_report.started", actor=actor, target=postmortem, detail=template.key)
    return report


def _locked(report: CustomerReport) -> CustomerReport:
    return CustomerReport.objects.select_for_update().select_related("postmortem").get(pk=report.pk)


@transaction.atomic
def save_customer_report(
    *, actor: User, report: CustomerReport, title: str, bodies: dict[str, str]
) -> CustomerReport:
    """New text. Text changed while awaiting approval or approved goes back to draft."""
    report = _locked(report)
    access.require(access.can_write_customer_report(actor, report))
    title = title.strip()
    errors: dict[str, str] = {}
    if not title or len(title) > MAX_CUSTOMER_TITLE_CHARS:
        errors["title"] = _("A title of 1 to %(n)s characters is required.") % {
            "n": MAX_CUSTOMER_TITLE_CHARS
        }
    for section in report.sections:
        body = bodies.get(section["key"], section["body"])
        if len(body) > MAX_CUSTOMER_SECTION_CHARS:
            errors[section["key"]] = _("At most %(n)s characters.") % {
                "n": MAX_CUSTOMER_SECTION_CHARS
            }
    if errors:
        raise ValidationError(errors)
    sections = [
        {**section, "body": bodies.get(section["key"], section["body"]).replace("\r\n", "\n")}
        for section in report.sections
    ]
    if title == report.title and sections == report.sections:
        return report
    report.title, report.sections = title, sections
    if report.status in (CustomerStatus.IN_REVIEW, CustomerStatus.APPROVED):
        report.status, report.approved_by, report.approved_at = CustomerStatus.DRAFT, None, None
    elif report.status == CustomerStatus.PUBLISHED:
        report.status = CustomerStatus.DRAFT
    report.updated_at, report.updated_by = timezone.now(), actor
    report.save()
    return report


@transaction.atomic
def submit_customer_report(*, actor: User, report: CustomerReport) -> CustomerReport:
    report = _locked(report)
    access.require(access.can_write_customer_report(actor, report))
    if report.status != CustomerStatus.DRAFT:
        raise InvalidState(_("Only a draft is sent for approval."))
    empty = report.missing_sections()
    if empty:
        raise InvalidState(
            _("Write these sections first: %(sections)s.") % {"sections": ", ".join(empty)}
        )
    latest = report.latest_revision()
    if latest is not None and (latest.title, latest.sections) == (report.title, report.sections):
        raise InvalidState(_("Nothing changed since the published revision."))
    report.status, report.submitted_by = CustomerStatus.IN_REVIEW, actor
    report.save(update_fields=["status", "submitted_by"])
    audit.record("customer_report.submitted", actor=actor, target=report.postmortem)
    return report


@transaction.atomic
def approve_customer_report(*, actor: User, report: CustomerReport) -> CustomerReport:
    report = _locked(report)
    if report.status == CustomerStatus.IN_REVIEW and actor.pk == report.submitted_by_id:
        raise InvalidState(_("A second person approves what customers read."))
    access.require(access.can_approve_customer_report(actor, report))
    report.status, report.approved_by = CustomerStatus.APPROVED, actor
    report.approved_at = timezone.now()
    report.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record("customer_report.approved", actor=actor, target=report.postmortem)
    return report


@transaction.atomic
def return_customer_report(*, actor: User, report: CustomerReport) -> CustomerReport:
    """The approver sends it back to its writers, or a writer takes it back to change it."""
    report = _locked(report)
    if report.status != CustomerStatus.IN_REVIEW:
        raise InvalidState(_("Only a report awaiting approval is sent back."))
    access.require(
        access.can_approve_customer_report(actor, report)
        or access.can_write_customer_report(actor, report)
    )
    report.status = CustomerStatus.DRAFT
    report.save(update_fields=["status"])
    audit.record("customer_report.returned", actor=actor, target=report.postmortem)
    return report


@transaction.atomic
def publish_customer_report(
    *, actor: User, report: CustomerReport, change_note: str = ""
) -> CustomerRevision:
    """Freeze the approved text as the next revision and show it at the public address
    (made now if the report has none)."""
    report = _locked(report)
    access.require(access.can_write_customer_report(actor, report))
    if report.status != CustomerStatus.APPROVED:
        raise InvalidState(_("Only an approved report is published."))
    latest = report.latest_revision()
    revision = CustomerRevision.objects.create(
        report=report,
        number=(latest.number + 1) if latest else 1,
        language=report.language,
        title=report.title,
        sections=report.sections,
        change_note=change_note.strip()[:500],
        approved_by=report.approved_by,
        published_by=actor,
        published_at=timezone.now(),
    )
    report.status = CustomerStatus.PUBLISHED
    fields = ["status"]
    if not report.public_token:
        report.public_token, report.link_created_at = new_public_token(), timezone.now()
        fields += ["public_token", "link_created_at"]
    report.save(update_fields=fields)
    audit.record(
        "customer_report.published",
        actor=actor,
        target=report.postmortem,
        detail=f"revision {revision.number}",
    )
    return revision


@transaction.atomic
def revoke_public_link(*, actor: User, report: CustomerReport) -> CustomerReport:
    """The public address stops working at once, for good."""
    report = _locked(report)
    access.require(access.can_write_customer_report(actor, report))
    if not report.public_token:
        raise InvalidState(_("The report has no public address."))
    report.public_token, report.link_created_at = None, None
    report.save(update_fields=["public_token", "link_created_at"])
    audit.record("customer_report.link_revoked", actor=actor, target=report.postmortem)
    return report


@transaction.atomic
def create_public_link(*, actor: User, report: CustomerReport) -> CustomerReport:
    """A new address for the published report; any earlier one stays dead."""
    report = _locked(report)
    access.require(access.can_write_customer_report(actor, report))
    if not report.revisions.exists():
        raise InvalidState(_("Publish the report first."))
    if report.public_token:
        raise InvalidState(_("The report already has a public address; revoke it first."))
    report.public_token, report.link_created_at = new_public_token(), timezone.now()
    report.save(update_fields=["public_token", "link_created_at"])
    audit.record("customer_report.link_created", actor=actor, target=report.postmortem)
    return report
