"""Django loads an app's models from ``<app>.models``: this module loads every feature's.

Code imports a model from its feature (``hansei.postmortems.document.models``); this module
exists only so that Django registers them all (same app label, same tables)."""

from __future__ import annotations

from hansei.postmortems.analysis import models as analysis_models
from hansei.postmortems.customer import models as customer_models
from hansei.postmortems.document import models as document_models
from hansei.postmortems.history import models as history_models
from hansei.postmortems.template_library import models as template_library_models
from hansei.postmortems.timeline import models as timeline_models
from hansei.postmortems.writing_check import models as writing_check_models

FEATURE_MODELS = (
    template_library_models,
    document_models,
    timeline_models,
    analysis_models,
    history_models,
    writing_check_models,
    customer_models,
)
