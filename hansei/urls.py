from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path

from hansei.accounts.views import admin_sign_in
from hansei.api import api
from hansei.api_errors import api_not_found

admin.site.site_header = "Hansei administration"
admin.site.site_title = "Hansei"
admin.site.index_title = "Teams, people, services and the job queue"
admin.site.index_template = "audit/admin_index.html"  # adds a link to the audit log

urlpatterns = [
    path("", include("hansei.core.urls")),
    path("", include("hansei.home.urls")),
    path("accounts/", include("hansei.accounts.urls")),
    path("incidents/", include("hansei.incidents.urls")),
    path("postmortems/", include("hansei.postmortems.urls")),
    path("postmortems/", include("hansei.reviews.urls")),
    path("actions/", include("hansei.action_items.urls")),
    path("archive/", include("hansei.search.urls")),
    path("reports/", include("hansei.postmortems.customer.public_urls")),
    path("", include("hansei.collab.urls")),
    path("notifications/", include("hansei.notifications.urls")),
    path("audit/", include("hansei.audit.urls")),
    path("insights/", include("hansei.insights.urls")),
    path("culture/", include("hansei.culture.urls")),
    path("people/", include("hansei.culture.people.urls")),
    path("manage/", include("hansei.administration.urls")),
    path("hooks/", include("hansei.integrations.urls")),
    path("trackers/", include("hansei.integrations.trackers.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin site's own: normalized names, axes, and HANSEI_PASSWORD_LOGIN apply.
    path("admin/login/", admin_sign_in),
    path("admin/", admin.site.urls),
]
