from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("call/child/<int:child_id>/", views.call_about_child, name="call-about-child"),
    path("call/alert/<int:alert_id>/", views.call_from_alert, name="call-from-alert"),
    path("<int:meeting_id>/", views.detail, name="detail"),
    path("<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("<int:meeting_id>/add-child/", views.add_child, name="add-child"),
    path("<int:meeting_id>/persons-and-places/", views.link, name="link"),
    path("<int:meeting_id>/children/<int:child_id>/", views.discussion, name="discussion"),
    path("<int:meeting_id>/actions/new/", views.new_action, name="new-action"),
    path("<int:meeting_id>/pack.pdf", views.pack, name="pack"),
    path("<int:meeting_id>/minutes.pdf", views.minutes, name="minutes"),
    path("actions/<int:action_id>/", views.action, name="action"),
]
