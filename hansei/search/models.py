"""The search index: one document per published postmortem, built from its latest revision.

On SQLite the full-text index itself is an FTS5 virtual table (``search_fts``, created by a
migration, rowid = postmortem id); on PostgreSQL it is a GIN index over ``to_tsvector`` of this
table's segmented text. Both hold the *published* text only, never a draft.
"""

from __future__ import annotations

from django.db import models

from hansei.postmortems.document.models import Postmortem, Revision


class SearchDocument(models.Model):
    postmortem = models.OneToOneField(
        Postmortem, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    # Segmented copies (see segment.py): Japanese words separated by spaces.
    title = models.TextField()
    body = models.TextField()
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"search document for postmortem {self.postmortem_id}"


class SearchTerm(models.Model):
    """Every word of the index (PostgreSQL only): trigram matching finds near-misses of typos."""

    word = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.word
