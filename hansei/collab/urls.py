from __future__ import annotations

from django.urls import path

from hansei.collab.comments import views as comment_views

app_name = "collab"
urlpatterns = [
    path("postmortems/<int:pk>/comments/", comment_views.comment_panel, name="comments"),
    path("postmortems/<int:pk>/comments/new/", comment_views.new_thread, name="new_thread"),
    path(
        "postmortems/<int:pk>/comments/<int:thread_id>/reply/",
        comment_views.reply,
        name="reply",
    ),
    path(
        "postmortems/<int:pk>/comments/<int:thread_id>/resolve/",
        comment_views.resolve,
        name="resolve",
    ),
    path(
        "postmortems/<int:pk>/comments/<int:thread_id>/reopen/",
        comment_views.reopen,
        name="reopen",
    ),
]
