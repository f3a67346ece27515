"""How a command refuses: a message on stderr and exit code 2, nothing half-written."""

from __future__ import annotations

USAGE_ERROR = 2


class CommandFailed(Exception):
    """Bad input or an impossible request. ``main()`` prints it and exits with code 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
