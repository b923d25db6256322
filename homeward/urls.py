from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from core.forms import SignInForm

urlpatterns = [
    path(
        "sign-in/",
        login_not_required(
            auth_views.LoginView.as_view(template_name="core/sign_in.html", authentication_form=SignInForm)
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("core.urls")),
    path("children/", include("children.urls")),
    path("episodes/", include("episodes.urls")),
    path("return-interviews/", include("interviews.urls")),
    path("risk/", include("risk.urls")),
    path("api/v1/", include("api.urls")),
]
