"""What every chat transport is given: one neutral message, shaped by each transport for its
system (Slack blocks, a Teams card, a Discord embed...). It carries titles, links and facts,
never a postmortem's text: a channel may hold people who could not read more.

A transport is a module with::

    def notify(target: str, message: ChatMessage, *, secret: str = "") -> None

``target`` is where it goes (a Slack channel id, an incoming-webhook URL); it returns None
once the system took the message or raises ``hansei.integrations.transport.TransportError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChatMessage:
    """``headline``: one line ("Payments published a postmortem"); ``title`` and ``url``: the
    postmortem and its absolute link; ``facts``: short label/value pairs (severity, team,
    owner, duration); ``reason``: why this channel got it; ``event``: what happened
    (``published``, ``amended``, ``submitted``, ``test``); ``key``: the idempotency key
    (webhooks send it, so receivers can drop a repeat)."""

    event: str
    headline: str
    title: str
    url: str
    facts: tuple[tuple[str, str], ...] = ()
    reason: str = ""
    key: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def plain_text(self) -> str:
        """The message as one plain-text paragraph, for systems without formatting."""
        facts = " · ".join(f"{label}: {value}" for label, value in self.facts)
        lines = [self.headline, f"{self.title} — {self.url}", facts, self.reason]
        return "\n".join(line for line in lines if line)
