from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("imports/<int:batch_id>/", views.batch, name="batch"),
    path("imports/<int:batch_id>/import-valid-rows/", views.import_valid_rows, name="batch-import-valid"),
    path("match-queue/", views.queue, name="queue"),
    path("match-queue/<int:notification_id>/", views.queued, name="queued"),
    path("quarantine/", views.quarantine, name="quarantine"),
    path("provisional/", views.provisional_list, name="provisional-list"),
    path("provisional/<int:provisional_id>/", views.provisional_record, name="provisional"),
]
