from django.urls import path

from interviews import views

app_name = "interviews"
urlpatterns = [
    path("<int:interview_id>/", views.detail, name="detail"),
    path("<int:interview_id>/assign/", views.assign, name="assign"),
    path("<int:interview_id>/offer/", views.offer, name="offer"),
    path("<int:interview_id>/record/", views.record, name="record"),
]
