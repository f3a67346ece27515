"""How a backup or a restore refuses: one message, and nothing written or changed."""

from __future__ import annotations


class BackupError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
