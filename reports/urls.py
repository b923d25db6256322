from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("report.pdf", views.download, name="download"),
    path("stored/", views.stored, name="stored"),
    path("stored/<int:report_id>/report.pdf", views.stored_download, name="stored-download"),
]
