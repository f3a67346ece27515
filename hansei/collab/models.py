"""Django loads an app's models from ``<app>.models``: this module loads the comments'
(live editing keeps its text in ``hansei.postmortems.document.live_text``)."""

from __future__ import annotations

from hansei.collab.comments import models as comments_models

FEATURE_MODELS = (comments_models,)
