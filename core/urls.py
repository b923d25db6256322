from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("", views.my_work, name="my-work"),
]
