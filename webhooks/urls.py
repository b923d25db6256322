from django.urls import path

from webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.subscriptions, name="subscriptions"),
    path("<int:subscription_id>/deliveries/", views.deliveries, name="deliveries"),
    path("<int:subscription_id>/end/", views.end, name="end"),
    path("deliveries/<int:delivery_id>/replay/", views.replay, name="replay"),
]
