"""The JSON API under /api/v1/: token or session auth, one router per domain app.

Every endpoint authenticates, reads through ``hansei.access`` and changes state only through
the apps' services; ``api_errors`` gives every refusal the same JSON shape.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.operation import Operation

from hansei.accounts.api import router as accounts_router
from hansei.accounts.auth import api_auth
from hansei.action_items.api import router as action_items_router
from hansei.api.postmortem_document import router as postmortem_document_router
from hansei.api_errors import document_errors, install_error_handlers
from hansei.audit.api import router as audit_router
from hansei.collab.comments.api import router as comments_router
from hansei.culture.api import router as culture_router
from hansei.culture.drills.api import router as drills_router
from hansei.culture.meetings.api import router as meeting_pack_router
from hansei.culture.reading.api import router as reading_router
from hansei.incidents.api import router as incidents_router
from hansei.insights.api import router as insights_router
from hansei.integrations.trackers.api import router as trackers_router
from hansei.notifications.api import router as notifications_router
from hansei.postmortems.analysis.api import router as analysis_router
from hansei.postmortems.document.api import router as postmortems_router
from hansei.postmortems.template_library.api import router as templates_router
from hansei.postmortems.timeline.api import router as timeline_router
from hansei.postmortems.writing_check.api import router as lint_router
from hansei.reviews.api import router as reviews_router
from hansei.search.api import router as search_router


class HanseiAPI(NinjaAPI):
    """The OpenAPI document lists every error answer of every operation (``document_errors``),
    and names each operation by its view alone."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return document_errors(super().get_openapi_schema(**kwargs))

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """The view's name (``get_postmortem``), as its URL name is: a client generated from
        the document keeps working when a view moves between modules."""
        return operation.view_func.__name__


api = HanseiAPI(
    title="Hansei API",
    version="1",
    description=(
        "Blameless postmortems, from incident to published lesson. Authenticate with "
        "`Authorization: Bearer hansei_...` (tokens are created on the settings page) or a "
        "browser session (unsafe methods then need the `X-CSRFToken` header). Errors are "
        '`{"detail": "...", "errors": {"field": ["message"]}}`.'
    ),
    urls_namespace="api",
    auth=api_auth,
)
install_error_handlers(api, body_params={"payload"})

api.add_router("", accounts_router)
api.add_router("", incidents_router)
api.add_router("", postmortems_router)
api.add_router("", postmortem_document_router)
api.add_router("", timeline_router)
api.add_router("", templates_router)
api.add_router("", reviews_router)
api.add_router("", action_items_router)
api.add_router("", search_router)
api.add_router("", analysis_router)
api.add_router("", comments_router)
api.add_router("", lint_router)
api.add_router("", notifications_router)
api.add_router("", audit_router)
api.add_router("", trackers_router)
api.add_router("", insights_router)
api.add_router("", culture_router)
api.add_router("", reading_router)
api.add_router("", drills_router)
api.add_router("", meeting_pack_router)
