from __future__ import annotations

from django.urls import path

from hansei.notifications import views
from hansei.notifications.feed import PublishedFeed

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read/", views.mark_all_read, name="read_all"),
    path("badge/", views.badge, name="badge"),
    path("test-email/", views.test_email, name="test_email"),
    path("settings/", views.settings_page, name="settings"),
    path("follow/", views.follow, name="follow"),
    path("follow/postmortem/<int:pk>/", views.follow_postmortem, name="follow_postmortem"),
    path("following/<int:pk>/delete/", views.unfollow, name="unfollow"),
    path("unsubscribe/<str:token>/", views.unsubscribe_page, name="unsubscribe"),
    path("read-request/<int:pk>/", views.ask_to_read, name="ask_to_read"),
    path("feed/reset/", views.feed_reset, name="feed_reset"),
    path("feed/revoke/", views.feed_revoke, name="feed_revoke"),
    path("feed/<str:token>/", PublishedFeed(), name="feed"),
]
