"""The demo's teams, people and services."""

from __future__ import annotations

# Every demo user signs in with this password (``hansei serve --demo`` prints it).
DEMO_PASSWORD = "hansei-demo"

TEAMS = (
    ("payments", "Payments", "Checkout, payment processing, refunds and merchant webhooks."),
    ("search", "Search", "Search API, indexing pipeline and autocomplete."),
    ("platform", "Platform & SRE", "Kubernetes, networking, CI/CD and observability."),
)

# username, display name, role, language, time zone, [(team slug, is lead)], what they do
UserRow = tuple[str, str, str, str, str, list[tuple[str, bool]], str]
USERS: tuple[UserRow, ...] = (
    (
        "emma",
        "Emma Lindqvist",
        "admin",
        "",
        "Europe/Stockholm",
        [("platform", True)],
        "Head of SRE; administers Hansei",
    ),
    (
        "lucas",
        "Lucas Moreau",
        "member",
        "",
        "Europe/Paris",
        [("platform", False)],
        "Platform engineer",
    ),
    (
        "omar",
        "Omar Haddad",
        "member",
        "",
        "Europe/London",
        [("payments", True)],
        "Payments tech lead",
    ),
    (
        "priya",
        "Priya Raman",
        "member",
        "",
        "Asia/Kolkata",
        [("payments", False)],
        "Payments engineer",
    ),
    (
        "yuki",
        "佐藤 由紀",
        "member",
        "ja",
        "Asia/Tokyo",
        [("search", True)],
        "Search lead, reads Hansei in Japanese",
    ),
    (
        "daniel",
        "Daniel Okafor",
        "member",
        "",
        "America/New_York",
        [("search", False)],
        "Search engineer",
    ),
    (
        "grace",
        "Grace Kim",
        "reviewer",
        "",
        "America/Los_Angeles",
        [],
        "Principal engineer, reviews postmortems across teams",
    ),
    ("tomas", "Tomás Silva", "reviewer", "", "America/Sao_Paulo", [], "Incident review board"),
)

USERNAMES = tuple(user[0] for user in USERS)

SERVICES = (
    ("payments", "Checkout API", "checkout-api"),
    ("payments", "Payment Gateway", "payment-gateway"),
    ("payments", "Refunds", "refunds"),
    ("payments", "Merchant Webhooks", "merchant-webhooks"),
    ("payments", "FX Rates", "fx-rates"),
    ("search", "Search API", "search-api"),
    ("search", "Indexer", "indexer"),
    ("search", "Autocomplete", "autocomplete"),
    ("platform", "Kubernetes", "kubernetes"),
    ("platform", "Internal DNS", "internal-dns"),
    ("platform", "Observability", "observability"),
    ("platform", "CI/CD", "ci-cd"),
)
