"""The rules of rulebook (``hansei/access/``), written out again as a table of who may do what in
which state. The matrix tests compare every endpoint's answers with it, so a rule changed in
one place only (or an endpoint that forgets one) shows up as a difference.

Roles: admin; writer (a member of the postmortem's team); member (of another team);
reviewer (named on the postmortem's reviews); outsider (a reviewer not named); anonymous.
States: draft, in_review, approved, published, restricted (published, restricted to its
team), amendment (published, an amendment being drafted).
"""

from __future__ import annotations

from collections.abc import Callable

TEAM = {"admin", "writer"}  # who writes the Payments team's postmortems
PUBLIC = {"published", "amendment"}  # published and not restricted
PUBLISHED = {"published", "restricted", "amendment"}


def signed_in(role: str, state: str) -> bool:
    return role != "anonymous"


def admin(role: str, state: str) -> bool:
    return role == "admin"


def team_writer(role: str, state: str) -> bool:
    return role in TEAM


def reads(role: str, state: str) -> bool:
    """Its team, its named reviewers and admins; everyone signed in once it is published and
    not restricted."""
    return role in TEAM | {"reviewer"} or (state in PUBLIC and role in {"member", "outsider"})


def reads_live(role: str, state: str) -> bool:
    """The draft's own content: while an amendment is drafted, only its writers, reviewers."""
    return reads(role, state) and (state != "amendment" or role in TEAM | {"reviewer"})


def joins(role: str, state: str) -> bool:
    """The live document, its history and writing check: team, named reviewers, admins."""
    return reads_live(role, state) and role in TEAM | {"reviewer"}


def edits(role: str, state: str) -> bool:
    """Changes content (the state may still refuse with a 409): its team's writers."""
    return role in TEAM


def decides(role: str, state: str) -> bool:
    """Approves or asks for changes: the reviewer named on the review."""
    return role == "reviewer"


def owns_token(role: str, state: str) -> bool:
    """The token is the writer's: they and admins revoke it."""
    return role in TEAM


def nominates(role: str, state: str) -> bool:
    """Nominates it for postmortem of the month: its readers, once it is published and not
    restricted (the winner is announced to everyone)."""
    return state in PUBLIC and reads(role, state)


def took_part(role: str, state: str) -> bool:
    """Answers its process survey: of the matrix's people, only its reviewer took part (its
    owner, who started it and led the incident, is none of them)."""
    return role == "reviewer"


def runs_the_session(role: str, state: str) -> bool:
    """Runs the reading club's session (its facilitator, the writer, and admins); likewise
    takes the writer's reading off its list and deletes the writer's comment."""
    return role in TEAM


def plays(role: str, state: str) -> bool:
    """Joins its drill as a player: its readers but the game master (the writer)."""
    return reads(role, state) and role != "writer"


def masters(role: str, state: str) -> bool:
    """Runs its drill and reads its answer key: the game master (the writer) alone, not
    even admins."""
    return role == "writer"


Rule = Callable[[str, str], bool]


def exists_when_published(state: str) -> bool:
    return state in PUBLISHED
