from django.contrib.auth import views as auth_views
from django.urls import path

from . import login, reset, views

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
    path("language/", views.language, name="language"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("household/", views.household_settings, name="household_settings"),
    path("household/members/<int:pk>/", views.member, name="member"),
    path("public-name/", views.public_name, name="public_name"),
    path("password/reset/", reset.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
