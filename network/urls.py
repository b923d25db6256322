from django.urls import path

from network import views
from network.patterns import PERSON, PLACE

app_name = "network"
urlpatterns = [
    path("", views.network_view, name="graph"),
    path("partnership/", views.partnership, name="partnership"),
    path("register/persons/", views.register_search, {"kind": PERSON}, name="register-persons"),
    path("register/places/", views.register_search, {"kind": PLACE}, name="register-places"),
    path("persons/", views.record_list, {"kind": PERSON}, name="persons"),
    path("persons/add/", views.record_add, {"kind": PERSON}, name="person-add"),
    path("persons/<int:pk>/", views.record_detail, {"kind": PERSON}, name="person"),
    path("places/", views.record_list, {"kind": PLACE}, name="places"),
    path("places/add/", views.record_add, {"kind": PLACE}, name="place-add"),
    path("places/<int:pk>/", views.record_detail, {"kind": PLACE}, name="place"),
    path("children/<int:child_id>/", views.child_network, name="child"),
    path("children/<int:child_id>/link-person/", views.link_person, name="link-person"),
    path("children/<int:child_id>/link-place/", views.link_place, name="link-place"),
    path("children/<int:child_id>/find-person/", views.find_person, name="find-person"),
    path("children/<int:child_id>/find-place/", views.find_place, name="find-place"),
    path("links/person/<int:pk>/end/", views.end_person_link, name="end-person-link"),
    path("links/place/<int:pk>/end/", views.end_place_link, name="end-place-link"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path(
        "duplicates/persons/<int:first_id>/<int:second_id>/",
        views.compare_duplicates,
        {"kind": PERSON},
        name="compare-persons",
    ),
    path(
        "duplicates/places/<int:first_id>/<int:second_id>/",
        views.compare_duplicates,
        {"kind": PLACE},
        name="compare-places",
    ),
    path("hotspots/", views.hotspot_list, name="hotspots"),
    path("missing-together/", views.missing_together, name="missing-together"),
]
