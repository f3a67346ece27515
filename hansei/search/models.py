"""The search index: one document per published postmortem, built from its latest revision.

A document keeps what people wrote, for snippets (``title``, ``summary``, ``body`` with one
passage per line), and the same text as search terms (``analysis.py``) in four columns that
the full-text index reads: title, summary, body (line for line with ``body``) and the
structured fields (services, contributing factors, severities). On SQLite the full-text index
is an FTS5 virtual table (``search_fts``, created by a migration, rowid = postmortem id); on
PostgreSQL a GIN index over a weighted ``tsvector`` of the term columns. Both hold the
*published* text only, never a draft.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hansei.postmortems.document.models import Postmortem, Revision


class SearchDocument(models.Model):
    postmortem = models.OneToOneField(
        Postmortem, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    title = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField()  # one passage per line
    title_terms = models.TextField(blank=True)
    summary_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)  # one line per line of ``body``
    field_terms = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"search document for postmortem {self.postmortem_id}"

    def columns(self) -> tuple[str, str, str, str]:
        return (self.title_terms, self.summary_terms, self.body_terms, self.field_terms)


class SearchTerm(models.Model):
    """Every term of the index, with a word it was written as and how many documents have it:
    a word the index does not know is looked up among the terms of the same initial and about
    the same length ("did you mean"), and similar incidents weigh a word by how rare it is."""

    word = models.CharField(max_length=100, unique=True)  # the term
    surface = models.CharField(max_length=100, blank=True)  # as written, for "did you mean"
    initial = models.CharField(max_length=1, blank=True)
    length = models.PositiveSmallIntegerField(default=0)
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["initial", "length"], name="search_term_initial_length")]

    def __str__(self) -> str:
        return self.word


class Synonym(models.Model):
    """Words and phrases a search treats as one, added by an admin ("PSP, payment provider"),
    on top of the built-in list."""

    words = models.CharField(_("words"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["words", "id"]

    def __str__(self) -> str:
        return self.words


class SavedSearch(models.Model):
    """A search someone keeps: its words and filters, and whether a new postmortem matching
    it (every word, the filters, readable by them) reaches their notifications."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("search"), max_length=200, blank=True)
    # The archive's filters by name: team, service, severity (strings), factor, year (numbers).
    filters = models.JSONField(default=dict, blank=True)
    notify = models.BooleanField(_("tell me when a new postmortem matches"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="one_saved_search_per_name")
        ]

    def __str__(self) -> str:
        return self.name
