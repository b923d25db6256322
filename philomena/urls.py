from django.urls import path

from philomena import views

app_name = "philomena"
urlpatterns = [
    path("children/<int:child_id>/", views.profile, name="profile"),
    path("children/<int:child_id>/versions/<int:number>/", views.version, name="version"),
    path("children/<int:child_id>/edit/", views.edit, name="edit"),
    path("children/<int:child_id>/photo/", views.upload_photo, name="upload-photo"),
    path("children/<int:child_id>/grab-pack/", views.grab_pack, name="grab-pack"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
]
