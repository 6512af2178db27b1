from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import sso, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(redirect_authenticated_user=True), name="login"),
    path("sso/login/", sso.SSOLoginView.as_view(), name="sso_login"),
    path("sso/callback/", sso.SSOCallbackView.as_view(), name="sso_callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("language/", views.set_language, name="set_language"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/handover/", views.user_handover, name="user_handover"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
]
