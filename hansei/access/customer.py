"""Who writes, approves and shares the customer version of a postmortem.

* its page is for the postmortem's readers (get_postmortem_for_user decides);
* the postmortem's writers write it, submit it, publish it and manage its public address;
* a second person approves it: an admin, a reviewer or a writer of the team, never the one
  who submitted it;
* the public address is read by anyone who has it, and shows only published revisions.
"""

from __future__ import annotations

from hansei.access.base import can_write_for_team, is_signed_in
from hansei.access.postmortems import can_edit_postmortem, can_view_postmortem
from hansei.accounts.models import Role, User
from hansei.postmortems.customer.models import CustomerReport, CustomerStatus


def can_write_customer_report(user: User, report: CustomerReport) -> bool:
    return can_edit_postmortem(user, report.postmortem)


def can_approve_customer_report(user: User, report: CustomerReport) -> bool:
    return (
        is_signed_in(user)
        and report.status == CustomerStatus.IN_REVIEW
        and user.pk != report.submitted_by_id
        and can_view_postmortem(user, report.postmortem)
        and (
            user.is_admin
            or user.role == Role.REVIEWER
            or can_write_for_team(user, report.postmortem.team_id)
        )
    )
