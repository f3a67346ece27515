from __future__ import annotations

from django.db import migrations

DEFAULT_CATEGORIES = [
    ("Change / deploy", "A code, config or infrastructure change set it off or made it worse."),
    ("Configuration", "A setting, flag or limit was wrong or unsafe."),
    ("Capacity", "Not enough of something: CPU, memory, connections, quota, people."),
    ("Dependency", "A service, vendor or library we rely on failed or behaved unexpectedly."),
    ("Monitoring gap", "Nothing alerted, or the alert came late or was unclear."),
    ("Process", "A procedure was missing, unclear or hard to follow under pressure."),
    ("Knowledge", "What was needed to respond was not written down or not shared."),
    ("Tooling", "Tools were missing, slow or misleading during the response."),
]


def load(apps, schema_editor):
    Category = apps.get_model("postmortems", "ContributingFactorCategory")
    for position, (name, description) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0003_contributingfactorcategory_timelineentry_link_url_and_more")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
