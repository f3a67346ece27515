from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    from hansei.postmortems.builtin_templates import BUILTIN_TEMPLATES, DEFAULT_SEVERITIES

    Severity = apps.get_model("incidents", "Severity")
    PostmortemPolicy = apps.get_model("incidents", "PostmortemPolicy")
    Template = apps.get_model("postmortems", "Template")
    TemplateSection = apps.get_model("postmortems", "TemplateSection")
    for level, name, description, required, due_days, business in DEFAULT_SEVERITIES:
        Severity.objects.get_or_create(
            level=level,
            defaults={
                "name": name,
                "description": description,
                "requires_postmortem": required,
                "due_days": due_days,
                "due_in_business_days": business,
            },
        )
    PostmortemPolicy.objects.get_or_create(pk=1)
    for spec in BUILTIN_TEMPLATES:
        template, created = Template.objects.get_or_create(
            name=spec["name"],
            defaults={
                "language": spec["language"],
                "is_default": spec["is_default"],
                "description": spec["description"],
            },
        )
        if not created:
            continue
        for position, (key, title, kind, required, help_text) in enumerate(spec["sections"]):
            TemplateSection.objects.create(
                template=template,
                key=key,
                title=title,
                kind=kind,
                required=required,
                help_text=help_text,
                position=position,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("postmortems", "0001_initial"),
        ("incidents", "0001_initial"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
