from django.urls import path

from episodes import views

app_name = "episodes"
urlpatterns = [
    path("report/<int:child_id>/", views.report, name="report"),
    path("<int:episode_id>/", views.detail, name="detail"),
    path("<int:episode_id>/risk/", views.change_risk, name="change-risk"),
    path("<int:episode_id>/return/", views.record_return_view, name="record-return"),
    path("<int:episode_id>/found-with/", views.found_with_view, name="found-with"),
    path("<int:episode_id>/edit/", views.edit, name="edit"),
    path("<int:episode_id>/log/", views.add_to_log, name="add-to-log"),
]
