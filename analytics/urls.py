from django.urls import path, re_path

from analytics import views

TABLE = r"(?P<slug>[-a-z0-9]+)\.(?P<fmt>csv|xlsx)"

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    re_path(rf"^download/{TABLE}$", views.download, name="download"),
    path("dashboard.xlsx", views.workbook, name="workbook"),
    path("regional/", views.dashboard, {"regional": True}, name="regional"),
    re_path(rf"^regional/download/{TABLE}$", views.download, {"regional": True}, name="regional-download"),
    path("regional/dashboard.xlsx", views.workbook, {"regional": True}, name="regional-workbook"),
    path("data-quality/", views.data_quality, name="data-quality"),
]
