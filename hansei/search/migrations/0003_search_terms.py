"""Index terms instead of raw text (see analysis.py): the documents gain term columns and a
summary, the vocabulary gains what typo correction needs, admins' synonyms get a table.

SQLite: the FTS5 table is rebuilt over the four term columns with the plain ``unicode61``
tokenizer (stemming is done before). PostgreSQL: the vector is rebuilt with the ``simple``
configuration over the term columns, weighted title A, summary B, fields C, body D; the
trigram index goes (typos are found by edit distance among terms of the same initial).

The documents themselves are rebuilt after migrating (``apps.py``), with the code of the day.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, summary, body, fields, tokenize = 'unicode61 remove_diacritics 2')"
)
SQLITE_OLD = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
POSTGRES_CREATE = [
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, summary_terms), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, field_terms), 'C') || "
    "setweight(to_tsvector('simple'::regconfig, body_terms), 'D')) STORED",
    "CREATE INDEX IF NOT EXISTS search_document_vector ON search_searchdocument "
    "USING GIN (search_vector)",
]
POSTGRES_OLD = [
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, body), 'B')) STORED",
    "CREATE INDEX IF NOT EXISTS search_document_vector ON search_searchdocument "
    "USING GIN (search_vector)",
    "CREATE INDEX IF NOT EXISTS search_term_trigram ON search_searchterm "
    "USING GIN (word gin_trgm_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS search_term_trigram",
    "DROP INDEX IF EXISTS search_document_vector",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor, sqlite, postgres):
    vendor = schema_editor.connection.vendor
    for statement in sqlite if vendor == "sqlite" else postgres if vendor == "postgresql" else []:
        schema_editor.execute(statement)


def drop_old(apps, schema_editor):
    _run(schema_editor, ["DROP TABLE IF EXISTS search_fts"], POSTGRES_DROP)
    apps.get_model("search", "SearchTerm").objects.all().delete()


def restore_old(apps, schema_editor):
    _run(schema_editor, [SQLITE_OLD], POSTGRES_OLD)


def create_new(apps, schema_editor):
    _run(schema_editor, [SQLITE_CREATE], POSTGRES_CREATE)


def drop_new(apps, schema_editor):
    _run(schema_editor, ["DROP TABLE IF EXISTS search_fts"], POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_full_text_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_old, restore_old),
        migrations.AddField(
            model_name="searchdocument", name="summary", field=models.TextField(blank=True)
        ),
        migrations.AddField(
            model_name="searchdocument", name="title_terms", field=models.TextField(blank=True)
        ),
        migrations.AddField(
            model_name="searchdocument", name="summary_terms", field=models.TextField(blank=True)
        ),
        migrations.AddField(
            model_name="searchdocument", name="body_terms", field=models.TextField(blank=True)
        ),
        migrations.AddField(
            model_name="searchdocument", name="field_terms", field=models.TextField(blank=True)
        ),
        migrations.AddField(
            model_name="searchterm",
            name="surface",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="searchterm",
            name="initial",
            field=models.CharField(blank=True, max_length=1),
        ),
        migrations.AddField(
            model_name="searchterm",
            name="length",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="searchterm",
            name="documents",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="searchterm",
            index=models.Index(fields=["initial", "length"], name="search_term_initial_length"),
        ),
        migrations.CreateModel(
            name="Synonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("words", models.CharField(max_length=300, verbose_name="words")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["words", "id"]},
        ),
        migrations.RunPython(create_new, drop_new),
    ]
