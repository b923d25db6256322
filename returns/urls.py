from django.urls import path

from returns import views

app_name = "returns"
urlpatterns = [
    path("", views.returns_page, name="returns"),
    path("download/", views.download, name="download"),
    path("import/", views.import_page, name="import"),
    path("import/<int:import_id>/", views.import_detail, name="import-detail"),
]
