"""The one contract every outgoing integration keeps (the healthchecks way): a transport's
``notify(...)`` returns None when the outside system took the message, or raises
``TransportError``. A temporary failure (a timeout, a 5xx, a rate limit) is retried by the
job queue with backoff; a permanent one (a wrong token, a deleted channel, a 404 webhook) is
not, and is shown to admins with its reason."""

from __future__ import annotations

from hansei.core.jobs import PermanentJobError


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent

    def for_the_queue(self) -> Exception:
        """What a job handler raises: the queue stops retrying a permanent failure."""
        return PermanentJobError(self.message) if self.permanent else self
