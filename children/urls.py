from django.urls import path

from children import views

app_name = "children"
urlpatterns = [
    path("", views.search, name="search"),
    path("results/<str:token>/", views.results, name="results"),
    path("add/", views.add, name="add"),
    path("<int:child_id>/", views.detail, name="detail"),
    path("<int:child_id>/placement/", views.change_placement_page, name="change-placement"),
    path("merge/<int:first_id>/<int:second_id>/", views.merge, name="merge"),
]
