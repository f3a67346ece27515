from django.db import migrations


class Migration(migrations.Migration):
    """The live text's models now belong to postmortems (see postmortems 0009); their tables
    stay where they are."""

    dependencies = [
        ('collab', '0002_materialized_text'),
        ('postmortems', '0009_live_text'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='YUpdate'),
                migrations.DeleteModel(name='MaterializedText'),
            ],
            database_operations=[],
        ),
    ]
