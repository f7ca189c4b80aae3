from django.contrib.auth import views as auth_views
from django.urls import path

from . import login, views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", login.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url="/account/password/done/"),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("welcome/", views.onboarding, name="onboarding"),
    path("household/", views.household_settings, name="household_settings"),
]
