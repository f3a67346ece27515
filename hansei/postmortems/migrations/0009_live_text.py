import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """The live text's storage (raw Yjs updates, and how far the sections have caught up with
    them) moves from collab to postmortems: a postmortem's document owns its text, and live
    editing is one way of writing it. Only Django's view of the models moves: the tables keep
    their names, indexes and rows."""

    dependencies = [
        ('postmortems', '0008_published_title'),
        ('collab', '0002_materialized_text'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='YUpdate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('data', models.BinaryField()),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('postmortem', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='postmortems.postmortem')),
                    ],
                    options={
                        'db_table': 'collab_yupdate',
                        'indexes': [models.Index(fields=['postmortem', 'id'], name='collab_yupdate_room')],
                    },
                ),
                migrations.CreateModel(
                    name='MaterializedText',
                    fields=[
                        ('postmortem', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='postmortems.postmortem')),
                        ('through_update', models.BigIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'collab_materializedtext',
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
