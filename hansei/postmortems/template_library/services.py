"""Admins create and edit postmortem templates. Existing postmortems keep their own sections."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core import audit
from hansei.postmortems.template_library.models import SectionKind, Template, TemplateSection


@dataclass
class SectionSpec:
    key: str
    title: str
    kind: str = SectionKind.MARKDOWN
    help_text: str = ""
    required: bool = False
    public: bool = False


def _clean_sections(specs: list[SectionSpec]) -> list[SectionSpec]:
    errors: list[str] = []
    seen: set[str] = set()
    cleaned = []
    for position, spec in enumerate(specs, start=1):
        title = spec.title.strip()
        key = slugify(spec.key.strip() or title, allow_unicode=False)[:50]
        if not title:
            errors.append(_("Section %(n)s needs a title.") % {"n": position})
            continue
        if not key:
            key = f"section-{position}"
        if key in seen:
            errors.append(_("Two sections use the key “%(key)s”.") % {"key": key})
        if spec.kind not in SectionKind.values:
            errors.append(_("Section “%(title)s” has an unknown kind.") % {"title": title})
        if len(title) > 150 or len(spec.help_text) > 2000:
            errors.append(_("Section “%(title)s” is too long.") % {"title": title[:40]})
        seen.add(key)
        cleaned.append(
            SectionSpec(key, title, spec.kind, spec.help_text.strip(), spec.required, spec.public)
        )
    if not cleaned and not errors:
        errors.append(_("A template needs at least one section."))
    if errors:
        raise ValidationError({"sections": errors})
    return cleaned


@transaction.atomic
def save_template(
    *,
    actor: User,
    template: Template | None,
    name: str,
    language: str,
    sections: list[SectionSpec],
    description: str = "",
    is_default: bool = False,
) -> Template:
    access.require(access.can_administer(actor), _("Only admins can edit templates."))
    name = name.strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 100:
        errors["name"] = _("A name of 1 to 100 characters is required.")
    elif Template.objects.filter(name=name).exclude(pk=template.pk if template else 0).exists():
        errors["name"] = _("Another template already has this name.")
    if language not in dict(settings.LANGUAGES):
        errors["language"] = _("Unknown language.")
    if errors:
        raise ValidationError(errors)
    specs = _clean_sections(sections)
    before = _template_fields(template) if template is not None else {}
    created = template is None
    template = template or Template()
    template.name, template.language = name, language
    template.description, template.is_default = description.strip()[:300], is_default
    template.save()
    if is_default:
        Template.objects.filter(language=language).exclude(pk=template.pk).update(is_default=False)
    template.sections.exclude(key__in=[s.key for s in specs]).delete()
    for position, spec in enumerate(specs):
        TemplateSection.objects.update_or_create(
            template=template,
            key=spec.key,
            defaults={
                "title": spec.title,
                "kind": spec.kind,
                "help_text": spec.help_text,
                "required": spec.required,
                "public": spec.public,
                "position": position,
            },
        )
    changes = audit.changes_between(before, _template_fields(template))
    if created or changes:
        action = "template.created" if created else "template.changed"
        audit.record(action, actor=actor, target=template, changes=changes)
    return template


def _template_fields(template: Template) -> dict[str, object]:
    sections = template.sections.order_by("position")
    return {
        "name": template.name,
        "language": template.language,
        "description": template.description,
        "is_default": template.is_default,
        "sections": [
            f"{s.key}: {s.title} ({s.kind}{', required' if s.required else ''}"
            f"{', public' if s.public else ''})"
            for s in sections
        ],
    }
