"""The customer templates Hansei ships, and how a new report is seeded from the internal
postmortem.

A customer section names the internal sections it starts from (by the keys of the built-in
templates, English and Japanese); only internal sections marked public are copied, so a team
decides once, in its template, what may ever leave. The writer then rewrites the text for
customers, and the external writing check points at what still reads as internal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hansei.postmortems.document.models import Postmortem


@dataclass(frozen=True)
class CustomerSectionDef:
    key: str
    title: str
    help: str
    sources: tuple[str, ...] = ()  # internal section keys, first non-empty public one wins
    required: bool = True
    seed: str = ""  # fixed text a new report starts with
    times: bool = False  # starts with the incident's start and end


@dataclass(frozen=True)
class CustomerTemplate:
    key: str
    name: str
    language: str
    sections: tuple[CustomerSectionDef, ...]


CUSTOMER_EN = CustomerTemplate(
    key="customer_en",
    name="Customer incident report",
    language="en",
    sections=(
        CustomerSectionDef(
            "summary",
            "Summary",
            "What customers experienced, when, and that it is resolved, in two or three "
            "sentences. Apologise once, plainly.",
            ("summary", "gaiyou"),
        ),
        CustomerSectionDef(
            "impact",
            "Who was affected and when",
            "Start and end times with their time zone, which features or regions, and what "
            "customers saw. Numbers customers can check, not internal metrics.",
            ("impact", "eikyou"),
            times=True,
        ),
        CustomerSectionDef(
            "cause",
            "What went wrong",
            "The cause in plain language, established facts only: no people, no host names, "
            "no guesses.",
            ("root_causes", "trigger", "genin"),
        ),
        CustomerSectionDef(
            "resolution",
            "How we resolved it",
            "What restored the service and when.",
            ("resolution", "taiou"),
        ),
        CustomerSectionDef(
            "prevention",
            "What we are doing to prevent it",
            "The changes made and planned, with dates where you can commit to them. Promise "
            "work you will do, not outcomes (never 'this will never happen again').",
            ("action_items", "action_list"),
        ),
        CustomerSectionDef(
            "glossary",
            "Glossary",
            "Any technical term the report keeps, one per line: 'Term: what it means'.",
            required=False,
        ),
    ),
)

SHOGAI_HOKOKUSHO = CustomerTemplate(
    key="shogai_hokokusho",
    name="障害報告書（お客様向け）",
    language="ja",
    sections=(
        CustomerSectionDef(
            "owabi",
            "お詫び",
            "ご迷惑をおかけしたことへのお詫びを簡潔に。",
            seed="このたびは、本障害によりお客様に多大なるご迷惑をおかけしましたことを、"
            "深くお詫び申し上げます。",
        ),
        CustomerSectionDef(
            "gaiyou",
            "障害の概要",
            "お客様から見て何が起きたか、現在は復旧していることを二、三文で。",
            ("gaiyou", "summary"),
        ),
        CustomerSectionDef(
            "nichiji",
            "発生日時・復旧日時",
            "発生日時と復旧日時をタイムゾーン付きで"
            "（例：2026年10月16日 14:02〜14:44（日本時間））。",
            times=True,
        ),
        CustomerSectionDef(
            "eikyou",
            "影響範囲",
            "影響を受けた機能・地域・お客様と、お客様から見えた事象。",
            ("eikyou", "impact"),
        ),
        CustomerSectionDef(
            "genin",
            "原因",
            "確認できた事実のみを平易な言葉で。個人名・ホスト名・推測は書かない。",
            ("genin", "root_causes", "trigger"),
        ),
        CustomerSectionDef(
            "taiou",
            "対応内容",
            "復旧のために行ったことと、その時刻。",
            ("taiou", "resolution"),
        ),
        CustomerSectionDef(
            "saihatsu",
            "再発防止策",
            "実施済み・実施予定の対策と、約束できる場合はその時期。"
            "「二度と発生しない」のような結果の約束ではなく、行う取り組みを書く。",
            ("action_list", "action_items"),
        ),
        CustomerSectionDef(
            "yougo",
            "用語集",
            "報告書に残る専門用語を一行に一つ：「用語：意味」。",
            required=False,
        ),
    ),
)

JAPAN = ZoneInfo("Asia/Tokyo")
CUSTOMER_TEMPLATES = {t.key: t for t in (CUSTOMER_EN, SHOGAI_HOKOKUSHO)}
GLOSSARY_KEYS = ("glossary", "yougo")


def default_template_key(postmortem: Postmortem) -> str:
    return "shogai_hokokusho" if postmortem.language == "ja" else "customer_en"


def seed_sections(postmortem: Postmortem, template: CustomerTemplate) -> list[dict[str, Any]]:
    """The new report's sections: each with the text of the first non-empty internal section
    it draws from that is marked public, or its fixed start."""
    public = {
        section.key: section.body.strip()
        for section in postmortem.sections.filter(public=True)
        if section.body.strip()
    }
    times = _incident_times(postmortem, template.language)
    sections = []
    for definition in template.sections:
        parts = [definition.seed] if definition.seed else []
        if definition.times and times:
            parts.append(times)
        body = next((public[key] for key in definition.sources if key in public), "")
        if body:
            parts.append(body)
        sections.append(
            {
                "key": definition.key,
                "title": definition.title,
                "help": definition.help,
                "required": definition.required,
                "body": "\n\n".join(parts),
            }
        )
    return sections


def _incident_times(postmortem: Postmortem, language: str) -> str:
    """The incident's start and end: in UTC for the English report, in Japan time (as a
    Japanese customer reads it) for the 障害報告書."""
    incident = postmortem.incidents.order_by("started_at").first()
    if incident is None or incident.started_at is None:
        return ""
    if language == "ja":
        lines = [f"- 発生日時：{_format_ja(incident.started_at)}（日本時間）"]
        if incident.resolved_at:
            lines.append(f"- 復旧日時：{_format_ja(incident.resolved_at)}（日本時間）")
        return "\n".join(lines)
    start = incident.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    if not incident.resolved_at:
        return f"Started {start} UTC."
    return (
        f"Started {start} UTC, resolved {incident.resolved_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC."
    )


def _format_ja(moment: datetime) -> str:
    local = moment.astimezone(JAPAN)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
