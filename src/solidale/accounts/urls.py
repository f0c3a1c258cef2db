from django.urls import path

from .views import audit, members, otp, session, tokens

app_name = "accounts"
urlpatterns = [
    path("login/", session.login, name="login"),
    path("logout/", session.logout, name="logout"),
    path("switch/", session.switch_membership, name="switch_membership"),
    path("notifications/", session.notification_preferences, name="notification_preferences"),
    path("password/reset/", session.password_reset, name="password_reset"),
    path("password/reset/sent/", session.password_reset_done, name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        session.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/", session.password_reset_complete, name="password_reset_complete"
    ),
    path("otp/", otp.otp_verify, name="otp"),
    path("otp/setup/", otp.otp_setup, name="otp_setup"),
    path("otp/backup-codes/", otp.otp_backup_codes, name="otp_backup_codes"),
    path("members/", members.member_list, name="member_list"),
    path("members/add/", members.member_add, name="member_add"),
    path("members/<int:pk>/role/", members.member_change_role, name="member_change_role"),
    path("members/<int:pk>/deactivate/", members.member_deactivate, name="member_deactivate"),
    path("members/<int:pk>/reactivate/", members.member_reactivate, name="member_reactivate"),
    path("tokens/", tokens.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("audit/", audit.audit_list, name="audit"),
]
