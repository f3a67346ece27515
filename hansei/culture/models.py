"""Django loads an app's models from ``<app>.models``: this module loads every program's.

Code imports a model from its program (``hansei.culture.awards.models``); this module exists
only so that Django registers them all (same app label, same tables)."""

from __future__ import annotations

from hansei.culture.awards import models as awards_models
from hansei.culture.drills import models as drills_models
from hansei.culture.feedback import models as feedback_models
from hansei.culture.kudos import models as kudos_models
from hansei.culture.reading import models as reading_models

PROGRAM_MODELS = (awards_models, kudos_models, feedback_models, reading_models, drills_models)
