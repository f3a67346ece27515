from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    from hansei.postmortems.template_library.builtin import load_factor_categories

    load_factor_categories(apps.get_model("postmortems", "ContributingFactorCategory"))


class Migration(migrations.Migration):
    dependencies = [("postmortems", "0003_contributingfactorcategory_timelineentry_link_url_and_more")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
