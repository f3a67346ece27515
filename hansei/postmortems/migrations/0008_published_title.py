from django.db import migrations, models


def copy_published_titles(apps, schema_editor):
    """Postmortems published before this field existed take the title of their latest revision."""
    Postmortem = apps.get_model("postmortems", "Postmortem")
    Revision = apps.get_model("postmortems", "Revision")
    for postmortem in Postmortem.objects.filter(published_at__isnull=False).iterator():
        latest = Revision.objects.filter(postmortem=postmortem).order_by("-number").first()
        title = (latest.snapshot or {}).get("title") if latest else None
        postmortem.published_title = (title or postmortem.title)[:200]
        postmortem.save(update_fields=["published_title"])


class Migration(migrations.Migration):
    dependencies = [
        ("postmortems", "0007_lint"),
    ]

    operations = [
        migrations.AddField(
            model_name="postmortem",
            name="published_title",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(copy_published_titles, migrations.RunPython.noop),
    ]
