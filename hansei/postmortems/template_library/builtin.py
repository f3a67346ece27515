"""The templates Hansei ships: the SRE book's and the Japanese practice's.

Plain data, loaded by a data migration; admins edit the copies in the database.
"""

from __future__ import annotations

from typing import Any

# The sections the customer version of a postmortem may start from (migration 0012 marks
# the same keys on installed templates).
PUBLIC_SECTION_KEYS = (
    "summary",
    "impact",
    "root_causes",
    "resolution",
    "gaiyou",
    "eikyou",
    "genin",
    "taiou",
)

SRE_BOOK = {
    "name": "SRE book",
    "language": "en",
    "is_default": True,
    "description": "The postmortem template from Google's SRE book (chapter 15, appendix D).",
    "sections": [
        (
            "summary",
            "Summary",
            "markdown",
            True,
            "Two or three sentences: what happened, for how long, who was affected, how it ended.",
        ),
        (
            "impact",
            "Impact",
            "markdown",
            True,
            "Who and what was affected, in numbers: users, requests failed, revenue, "
            "support tickets, error budget consumed.",
        ),
        (
            "root_causes",
            "Root causes",
            "markdown",
            True,
            "Why it could happen. Keep asking why until you reach causes in systems and "
            "processes, never in people.",
        ),
        (
            "trigger",
            "Trigger",
            "markdown",
            True,
            "What set it off: the change, load or event that met the latent causes.",
        ),
        (
            "resolution",
            "Resolution",
            "markdown",
            True,
            "What was done to mitigate and then resolve it.",
        ),
        (
            "detection",
            "Detection",
            "markdown",
            True,
            "How and when it was noticed, and how it could have been noticed sooner.",
        ),
        (
            "action_items",
            "Action items",
            "action_items",
            True,
            "Each with a type, an owner, a priority and a tracking issue.",
        ),
        (
            "went_well",
            "Lessons learned: what went well",
            "markdown",
            False,
            "Practices and tools that helped.",
        ),
        (
            "went_wrong",
            "Lessons learned: what went wrong",
            "markdown",
            False,
            "Where systems and processes did not help.",
        ),
        (
            "got_lucky",
            "Lessons learned: where we got lucky",
            "markdown",
            False,
            "Near misses: what could have made it worse.",
        ),
        (
            "surprised",
            "Lessons learned: what surprised us",
            "markdown",
            False,
            "What behaved differently than we expected: systems, tools, assumptions that "
            "turned out wrong.",
        ),
        (
            "timeline",
            "Timeline",
            "timeline",
            True,
            "A screenplay of the incident, in UTC. Star the key events.",
        ),
        (
            "supporting_information",
            "Supporting information",
            "markdown",
            False,
            "Links to graphs, logs, dashboards, chat transcripts.",
        ),
        (
            "glossary",
            "Glossary",
            "markdown",
            False,
            "Terms a reader from another team may not know.",
        ),
    ],
}

JAPANESE = {
    "name": "障害報告書（ポストモーテム）",
    "language": "ja",
    "is_default": True,
    "description": "日本の現場で使われる障害報告書の構成に沿ったテンプレート。",
    "sections": [
        ("tantousha", "担当者", "markdown", True, "対応に関わった人と役割。"),
        (
            "gaiyou",
            "概要",
            "markdown",
            True,
            "何が起き、どのくらいの時間、誰に影響したか、どう収束したかを数行で。",
        ),
        (
            "eikyou",
            "影響",
            "markdown",
            True,
            "影響を受けたユーザー数、失敗したリクエストの割合、売上への影響などを数値で。",
        ),
        (
            "genin",
            "原因分析（根本原因・発生原因）",
            "markdown",
            True,
            "発生原因（きっかけ）と根本原因を分けて書く。人ではなく仕組みとプロセスに原因を求める。",
        ),
        ("taiou", "対応内容", "markdown", True, "暫定対応と恒久対応の内容。"),
        (
            "taiou_bunseki",
            "対応自体の分析",
            "markdown",
            False,
            "検知・判断・連絡・復旧の各段階で、うまくいったこと・いかなかったこと。",
        ),
        (
            "kyoukun",
            "教訓",
            "markdown",
            False,
            "うまくいったこと、うまくいかなかったこと、幸運だったこと。",
        ),
        (
            "souteigai",
            "想定外だったこと",
            "markdown",
            False,
            "予想と違う振る舞いをしたシステムやツール、誤っていた前提。",
        ),
        (
            "action_list",
            "今後のアクションリスト",
            "action_items",
            True,
            "種別・担当者・優先度・期限・チケットを必ず付ける。",
        ),
        ("timeline", "タイムライン", "timeline", True, "時系列の記録。重要な出来事に星を付ける。"),
    ],
}

BUILTIN_TEMPLATES = (SRE_BOOK, JAPANESE)

# The contributing factor taxonomy Hansei starts with; admins edit it in the Django admin.
DEFAULT_FACTOR_CATEGORIES = (
    ("Change / deploy", "A code, config or infrastructure change set it off or made it worse."),
    ("Configuration", "A setting, flag or limit was wrong or unsafe."),
    ("Capacity", "Not enough of something: CPU, memory, connections, quota, people."),
    ("Dependency", "A service, vendor or library we rely on failed or behaved unexpectedly."),
    ("Monitoring gap", "Nothing alerted, or the alert came late or was unclear."),
    ("Process", "A procedure was missing, unclear or hard to follow under pressure."),
    ("Knowledge", "What was needed to respond was not written down or not shared."),
    ("Tooling", "Tools were missing, slow or misleading during the response."),
)

DEFAULT_SEVERITIES = (
    (1, "SEV1", "Critical: broad user-visible outage or data loss", True, 3, False),
    (2, "SEV2", "Major: significant degradation for many users", True, 5, True),
    (3, "SEV3", "Minor: limited impact, workaround available", False, 5, True),
    (4, "SEV4", "Low: no user-visible impact", False, 10, True),
)


def load_builtin_data(
    severity_model: Any, policy_model: Any, template_model: Any, section_model: Any
) -> None:
    """Create the default severities, the policy row, the built-in templates and the default
    contributing factor categories if missing.

    Takes model classes so the data migration can pass its historical models; the category
    model is found next to ``template_model`` (absent from migrations older than 0003).
    """
    _load_factor_categories(template_model)
    for level, name, description, required, due_days, business in DEFAULT_SEVERITIES:
        severity_model.objects.get_or_create(
            level=level,
            defaults={
                "name": name,
                "description": description,
                "requires_postmortem": required,
                "due_days": due_days,
                "due_in_business_days": business,
            },
        )
    policy_model.objects.get_or_create(pk=1)
    for spec in BUILTIN_TEMPLATES:
        template, created = template_model.objects.get_or_create(
            name=spec["name"],
            defaults={
                "language": spec["language"],
                "is_default": spec["is_default"],
                "description": spec["description"],
            },
        )
        if not created:
            continue
        sections: list[tuple[str, str, str, bool, str]] = spec["sections"]  # type: ignore[assignment]
        for position, (key, title, kind, required, help_text) in enumerate(sections):
            section_model.objects.create(
                template=template,
                key=key,
                title=title,
                kind=kind,
                required=required,
                help_text=help_text,
                position=position,
            )
        # Before migration 0012 the historical model has no "public" field.
        if any(field.name == "public" for field in section_model._meta.get_fields()):
            section_model.objects.filter(template=template, key__in=PUBLIC_SECTION_KEYS).update(
                public=True
            )


def _load_factor_categories(template_model: Any) -> None:
    try:
        category_model = template_model._meta.apps.get_model(
            "postmortems", "ContributingFactorCategory"
        )
    except LookupError:
        return
    load_factor_categories(category_model)


def load_factor_categories(category_model: Any) -> None:
    """The default taxonomy, unless there is one already (then it is the admins')."""
    if category_model.objects.exists():
        return
    for position, (name, description) in enumerate(DEFAULT_FACTOR_CATEGORIES):
        category_model.objects.create(name=name, description=description, position=position)
