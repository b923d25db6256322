from django.urls import path

from returns import views

app_name = "returns"
urlpatterns = [
    path("", views.returns_page, name="returns"),
    path("download/", views.download, name="download"),
]
