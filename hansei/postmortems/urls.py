"""The postmortem pages, one list of URLs per feature (names in the ``postmortems`` namespace)."""

from __future__ import annotations

from hansei.postmortems.analysis import urls as analysis
from hansei.postmortems.customer import urls as customer
from hansei.postmortems.document import urls as document
from hansei.postmortems.history import urls as history
from hansei.postmortems.template_library import urls as template_library
from hansei.postmortems.timeline import urls as timeline
from hansei.postmortems.writing_check import urls as writing_check

app_name = "postmortems"
urlpatterns = [
    *document.urlpatterns,
    *template_library.urlpatterns,
    *timeline.urlpatterns,
    *analysis.urlpatterns,
    *history.urlpatterns,
    *writing_check.urlpatterns,
    *customer.urlpatterns,
]
