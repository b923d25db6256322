from django.urls import path

from sharing import views

app_name = "sharing"
urlpatterns = [
    path("children/<int:child_id>/share/", views.share, name="share"),
    path("shares/<int:share_id>/", views.detail, name="detail"),
    path("shares/<int:share_id>/withdraw/", views.withdraw, name="withdraw"),
    path("shares/<int:share_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("received/", views.received, name="received"),
    path("interviews/<int:interview_id>/intelligence/", views.share_intelligence, name="share-intelligence"),
    path("intelligence/", views.intelligence, name="intelligence"),
    path("emergency-access/", views.emergency_access, name="break-glass"),
    path("emergency-access/<int:access_id>/", views.emergency_access_result, name="break-glass-result"),
    path("emergency-access/review/", views.emergency_access_review, name="break-glass-review"),
    path(
        "emergency-access/review/<int:access_id>/",
        views.emergency_access_mark_reviewed,
        name="break-glass-mark-reviewed",
    ),
]
