from django.urls import path

from risk import views

app_name = "risk"
urlpatterns = [
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:alert_id>/", views.acknowledge, name="acknowledge"),
    path("alerts/<int:alert_id>/assign/", views.assign, name="assign"),
    path("children/<int:child_id>/screen/", views.screen, name="screen"),
    path("screenings/<int:screening_id>/", views.screening, name="screening"),
    path("children/<int:child_id>/refer/", views.refer, name="refer"),
    path("referrals/<int:referral_id>/", views.referral, name="referral"),
]
