from __future__ import annotations

from django.urls import path

from hansei.postmortems import import_views, template_views, timeline_views, views

app_name = "postmortems"
urlpatterns = [
    path("", views.postmortem_list, name="list"),
    path("preview/", views.preview, name="preview"),
    path("start/<int:incident_id>/", views.start_postmortem, name="start"),
    path("templates/", template_views.template_list, name="templates"),
    path("templates/new/", template_views.template_edit, name="template_new"),
    path("templates/<int:template_id>/", template_views.template_edit, name="template_edit"),
    path("<int:pk>/", views.postmortem_detail, name="detail"),
    path("<int:pk>/details/", views.edit_details, name="edit_details"),
    path("<int:pk>/sections/<slug:key>/", views.save_section, name="section"),
    path("<int:pk>/timeline/", timeline_views.timeline_add, name="timeline_add"),
    path("<int:pk>/timeline/<int:entry_id>/", timeline_views.timeline_edit, name="timeline_edit"),
    path(
        "<int:pk>/timeline/<int:entry_id>/delete/",
        timeline_views.timeline_delete,
        name="timeline_delete",
    ),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/revisions/", views.revision_list, name="revisions"),
    path("<int:pk>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
]

# The structured analysis: impact figures, contributing factors, 5 whys, incidents covered.
from hansei.postmortems import analysis_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/impact/", analysis_views.impact_save, name="impact"),
    path("<int:pk>/factors/", analysis_views.factor_add, name="factor_add"),
    path(
        "<int:pk>/factors/<int:factor_id>/delete/",
        analysis_views.factor_delete,
        name="factor_delete",
    ),
    path("<int:pk>/whys/", analysis_views.chain_start, name="chain_start"),
    path("<int:pk>/whys/<int:chain_id>/", analysis_views.chain_edit, name="chain_edit"),
    path("<int:pk>/whys/<int:chain_id>/add/", analysis_views.why_add, name="why_add"),
    path(
        "<int:pk>/whys/<int:chain_id>/remove/<int:index>/",
        analysis_views.why_remove,
        name="why_remove",
    ),
    path("<int:pk>/whys/<int:chain_id>/delete/", analysis_views.chain_delete, name="chain_delete"),
    path("<int:pk>/whys/<int:chain_id>/copy/", analysis_views.chain_copy, name="chain_copy"),
    path("<int:pk>/incidents/", analysis_views.incident_link, name="incident_link"),
    path(
        "<int:pk>/incidents/<int:incident_id>/unlink/",
        analysis_views.incident_unlink,
        name="incident_unlink",
    ),
    path("<int:pk>/timeline/import/", import_views.timeline_import, name="timeline_import"),
    path(
        "<int:pk>/timeline/import/confirm/",
        import_views.timeline_import_confirm,
        name="timeline_import_confirm",
    ),
]

# The draft's history: automatic versions, comparing two, restoring a section.
from hansei.postmortems import history_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/history/", history_views.history, name="history"),
    path("<int:pk>/history/compare/", history_views.version_compare, name="version_compare"),
    path("<int:pk>/history/<int:number>/", history_views.version_detail, name="version"),
    path(
        "<int:pk>/history/<int:number>/restore/<slug:key>/",
        history_views.version_restore,
        name="version_restore",
    ),
]

# The writing check: its panel (a fragment, for scripts), dismissing and restoring findings.
from hansei.postmortems import lint_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/lint/", lint_views.lint_panel, name="lint_panel"),
    path("<int:pk>/lint/dismiss/", lint_views.lint_dismiss, name="lint_dismiss"),
    path(
        "<int:pk>/lint/dismissals/<int:dismissal_id>/restore/",
        lint_views.lint_restore,
        name="lint_restore",
    ),
]
