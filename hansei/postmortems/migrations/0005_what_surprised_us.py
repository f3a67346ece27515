"""Add "What surprised us" to the built-in templates that already exist (new installs get it
from builtin_templates.py through 0002)."""

from __future__ import annotations

from django.db import migrations

ADDITIONS = [
    (
        "SRE book",
        "got_lucky",
        "surprised",
        "Lessons learned: what surprised us",
        "What behaved differently than we expected: systems, tools, assumptions that "
        "turned out wrong.",
    ),
    (
        "障害報告書（ポストモーテム）",
        "kyoukun",
        "souteigai",
        "想定外だったこと",
        "予想と違う振る舞いをしたシステムやツール、誤っていた前提。",
    ),
]


def add_sections(apps, schema_editor):
    Template = apps.get_model("postmortems", "Template")
    TemplateSection = apps.get_model("postmortems", "TemplateSection")
    for template_name, after_key, key, title, help_text in ADDITIONS:
        template = Template.objects.filter(name=template_name).first()
        if template is None or template.sections.filter(key=key).exists():
            continue
        after = template.sections.filter(key=after_key).first()
        if after is None:
            position = template.sections.count()
        else:
            position = after.position + 1
            for later in template.sections.filter(position__gte=position):
                later.position += 1
                later.save(update_fields=["position"])
        TemplateSection.objects.create(
            template=template,
            key=key,
            title=title,
            help_text=help_text,
            kind="markdown",
            required=False,
            position=position,
        )


def remove_sections(apps, schema_editor):
    TemplateSection = apps.get_model("postmortems", "TemplateSection")
    for template_name, _after, key, _title, _help in ADDITIONS:
        TemplateSection.objects.filter(template__name=template_name, key=key).delete()


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0004_default_factor_categories")]
    operations = [migrations.RunPython(add_sections, remove_sections)]
