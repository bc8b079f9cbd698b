from django.contrib.auth.views import LogoutView
from django.urls import path

from gonghui.core.views import auth, pages

app_name = "core"

urlpatterns = [
    path("", pages.home, name="home"),
    path("login/", auth.login, name="login"),
    path("login/code/", auth.login_otp, name="login_otp"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("account/", auth.account, name="account"),
    path("account/mobile/", auth.mobile_set, name="mobile_set"),
    path("account/password/", auth.PasswordChange.as_view(), name="password_change"),
    path("account/two-factor/start/", auth.totp_start, name="totp_start"),
    path("account/two-factor/confirm/", auth.totp_confirm, name="totp_confirm"),
    path("account/two-factor/remove/", auth.totp_remove, name="totp_remove"),
    path("audit/", pages.audit, name="audit"),
    path("calendar/", pages.calendar, name="calendar"),
    path("calendar/<int:year>/", pages.calendar_year, name="calendar_year"),
    path("progress/<uuid:pk>/", pages.progress, name="progress"),
    path("notifications/", pages.notifications, name="notifications"),
]
