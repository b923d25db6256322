from django.urls import path

from governance import views

app_name = "governance"
urlpatterns = [
    path("audit/", views.audit_search, name="audit"),
    path("audit/results/<str:token>/", views.audit_results, name="audit-results"),
    path("audit/children/<int:child_id>/", views.child_audit, name="child-audit"),
    path("subject-access/children/<int:child_id>/", views.subject_access_page, name="subject-access"),
    path(
        "subject-access/children/<int:child_id>/download/",
        views.subject_access_download,
        name="subject-access-download",
    ),
]
