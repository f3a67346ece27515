"""Postmortem templates in the API: list them; admins create and replace them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from hansei.accounts.auth import actor_of
from hansei.postmortems.template_library.models import Template
from hansei.postmortems.template_library.schemas import TemplateIn, TemplateOut
from hansei.postmortems.template_library.services import SectionSpec, save_template

router = Router(tags=["postmortems"])


@router.get("/templates", response=list[TemplateOut], summary="Postmortem templates")
def list_templates(request: HttpRequest) -> Any:
    return Template.objects.prefetch_related("sections")


def _save_template(request: HttpRequest, template: Template | None, payload: TemplateIn) -> Any:
    return save_template(
        actor=actor_of(request),
        template=template,
        name=payload.name,
        language=payload.language,
        description=payload.description,
        is_default=payload.is_default,
        sections=[SectionSpec(**section.dict()) for section in payload.sections],
    )


@router.post("/templates", response={201: TemplateOut}, summary="Create a template (admins)")
def create_template(request: HttpRequest, payload: TemplateIn) -> Any:
    return Status(201, _save_template(request, None, payload))


@router.put(
    "/templates/{int:template_id}", response=TemplateOut, summary="Replace a template (admins)"
)
def update_template(request: HttpRequest, template_id: int, payload: TemplateIn) -> Any:
    template = get_object_or_404(Template, pk=template_id)
    return _save_template(request, template, payload)
