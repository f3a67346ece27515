"""A published customer version, for tests of other apps."""

from __future__ import annotations

from typing import Any

from hansei.postmortems.customer.services import (
    approve_customer_report,
    publish_customer_report,
    save_customer_report,
    start_customer_report,
    submit_customer_report,
)


def publish_customer_version(
    postmortem: Any,
    *,
    writer: Any,
    approver: Any,
    title: str = "Payments were slow",
    bodies: dict[str, str] | None = None,
) -> str:
    """Start, fill, approve and publish ``postmortem``'s customer version; its public token."""
    report = start_customer_report(actor=writer, postmortem=postmortem, template_key="customer_en")
    if bodies is None:
        bodies = {s["key"]: f"{s['title']}: written for customers." for s in report.sections}
    save_customer_report(actor=writer, report=report, title=title, bodies=bodies)
    submit_customer_report(actor=writer, report=report)
    approve_customer_report(actor=approver, report=report)
    publish_customer_report(actor=writer, report=report)
    report.refresh_from_db()
    assert report.public_token
    return report.public_token
