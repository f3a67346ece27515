"""Every demo story, one module per team."""

from __future__ import annotations

from hansei.demo.model import Story
from hansei.demo.stories.payments import PAYMENTS
from hansei.demo.stories.platform import PLATFORM
from hansei.demo.stories.search import SEARCH
from hansei.demo.stories.search_ja import SEARCH_JA

STORIES: tuple[Story, ...] = (*PAYMENTS, *PLATFORM, *SEARCH, *SEARCH_JA)
