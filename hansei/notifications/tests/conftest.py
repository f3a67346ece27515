from __future__ import annotations

from hansei.collab.tests.conftest import servers

__all__ = ["servers"]
