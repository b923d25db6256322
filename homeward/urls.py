from django.urls import include, path

from accounts import views as accounts_views

urlpatterns = [
    path("sign-in/", accounts_views.sign_in, name="login"),  # then the two-factor step (accounts app)
    path("sign-in/", include("accounts.urls")),
    path("sign-out/", accounts_views.sign_out, name="logout"),
    path("", include("core.urls")),
    path("children/", include("children.urls")),
    path("episodes/", include("episodes.urls")),
    path("return-interviews/", include("interviews.urls")),
    path("risk/", include("risk.urls")),
    path("network/", include("network.urls")),
    path("philomena/", include("philomena.urls")),
    path("governance/", include("governance.urls")),  # audit trail (auditors), subject access, retention
    path("sharing/", include("sharing.urls")),  # shares between agencies, emergency access
    path("analytics/", include("analytics.urls")),  # the dashboard and the data quality list
    path("reports/", include("reports.urls")),  # the safeguarding partnership's PDF reports
    path("returns/", include("returns.urls")),  # the statutory returns: checks and downloads
    path("", include("identity.urls")),  # single sign-on, and administrators' account pages
    path("administration/webhooks/", include("webhooks.urls")),  # system clients' webhooks and delivery log
    path("meetings/", include("meetings.urls")),  # multi-agency meetings and their actions
    path("police-notifications/", include("intake.urls")),  # import, the match queue and the quarantine
    path("notifications/", include("notifications.urls")),  # in-app notifications and each user's choices
    path("api/v1/", include("api.urls")),
    path("ops/", include("ops.urls")),  # liveness, readiness, Prometheus metrics
    path("", include("public.urls")),  # the public site (/help/), its content editor and the MASH queue
]

# "Page not found", which on a child's record offers emergency access to the roles that may ask for it.
handler404 = "core.error_pages.page_not_found"
# Database away (restart, outage, read-only, disk full): 503 with Retry-After, JSON for the API (core/outage.py).
handler500 = "core.outage.server_error"
handler400 = "core.outage.bad_request"  # a session that could not be saved in an outage: 503, not 400
