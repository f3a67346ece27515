from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    from hansei.postmortems.template_library.builtin import load_builtin_data

    load_builtin_data(
        apps.get_model("incidents", "Severity"),
        apps.get_model("incidents", "PostmortemPolicy"),
        apps.get_model("postmortems", "Template"),
        apps.get_model("postmortems", "TemplateSection"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("postmortems", "0001_initial"),
        ("incidents", "0001_initial"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
