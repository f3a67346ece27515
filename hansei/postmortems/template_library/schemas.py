"""API shapes for postmortem templates."""

from __future__ import annotations

from ninja import Field, Schema

from hansei.postmortems.template_library.models import Template, TemplateSection


class TemplateSectionOut(Schema):
    key: str
    title: str
    kind: str
    help_text: str
    required: bool
    public: bool
    position: int


class TemplateOut(Schema):
    id: int
    name: str
    description: str
    language: str
    is_default: bool
    sections: list[TemplateSectionOut]

    @staticmethod
    def resolve_sections(obj: Template) -> list[TemplateSection]:
        return list(obj.sections.all())


class TemplateSectionIn(Schema):
    key: str = Field("", description="A slug; made from the title when empty.")
    title: str
    kind: str = "markdown"
    help_text: str = ""
    required: bool = False
    public: bool = Field(False, description="The customer version starts from this section.")


class TemplateIn(Schema):
    name: str
    language: str = "en"
    description: str = ""
    is_default: bool = False
    sections: list[TemplateSectionIn]
