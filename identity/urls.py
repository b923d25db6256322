from django.urls import path

from identity import views

app_name = "identity"
urlpatterns = [
    path("sign-in/single-sign-on/", views.sign_on, name="sign-on"),
    path("sign-in/single-sign-on/callback/", views.sign_on_callback, name="sign-on-callback"),
    path("administration/users/", views.users, name="users"),
    path("administration/users/add/", views.user_add, name="user-add"),
    path("administration/users/add-from-csv/", views.bulk_add, name="bulk-add"),
    path("administration/users/<int:user_id>/", views.user_detail, name="user"),
    path("administration/users/<int:user_id>/status/", views.user_status, name="user-status"),
    path("administration/users/<int:user_id>/two-factor/", views.user_reset_two_factor, name="user-two-factor"),
    path("administration/agencies/", views.agencies, name="agencies"),
    path("administration/agencies/add/", views.agency_add, name="agency-add"),
    path("administration/api-credentials/", views.api_credentials, name="api-credentials"),
    path("administration/api-credentials/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path(
        "administration/api-credentials/clients/<int:client_id>/revoke/",
        views.api_client_revoke,
        name="api-client-revoke",
    ),
    path("administration/single-sign-on-groups/", views.group_mappings, name="group-mappings"),
    path(
        "administration/single-sign-on-groups/<int:mapping_id>/remove/",
        views.group_mapping_remove,
        name="group-mapping-remove",
    ),
]
