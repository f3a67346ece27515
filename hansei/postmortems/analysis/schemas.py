"""API shapes of the structured analysis: impact figures, contributing factors, 5 whys."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from hansei.postmortems.analysis.models import ContributingFactor


class ImpactIn(Schema):
    """Every figure is optional; a PUT replaces them all (a missing figure becomes unknown)."""

    affected_count: int | None = Field(None, description="Users or accounts affected.")
    affected_unit: str = Field("users", description="users or accounts")
    requests_failed_percent: Decimal | None = Field(None, description="0 to 100.")
    user_visible_minutes: int | None = None
    support_tickets: int | None = None
    revenue_impact: Decimal | None = Field(None, description="Needs revenue_currency.")
    revenue_currency: str = Field("", description="ISO 4217 code, such as EUR.")
    error_budget_percent: Decimal | None = Field(None, description="May exceed 100.")
    notes: str = ""


class ImpactOut(ImpactIn):
    suggested_user_visible_minutes: int | None = Field(
        None, description="The linked incidents' impact time, to pre-fill an empty figure."
    )
    updated_at: datetime | None = None


class CategoryOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool


class FactorIn(Schema):
    category: str | None = Field(None, description="A category's name; none for “Other”.")
    description: str


class FactorOut(Schema):
    id: int
    category: str | None
    description: str
    created_at: datetime

    @staticmethod
    def resolve_category(obj: ContributingFactor | dict[str, Any]) -> str | None:
        if isinstance(obj, dict):  # a published revision's factor (postmortems.published)
            category = obj.get("category")
            return category if isinstance(category, str) else None
        return obj.category.name if obj.category else None


class WhyChainIn(Schema):
    problem: str
    whys: list[str] = Field(default_factory=list, description="Answers to “why?”, at most 7.")


class WhyIn(Schema):
    answer: str


class WhyChainOut(Schema):
    id: int
    problem: str
    whys: list[str]
    created_at: datetime
    updated_at: datetime


class LinkIncidentIn(Schema):
    incident: int = Field(description="The id of an incident of the same team.")
