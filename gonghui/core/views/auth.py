"""Sign-in (password, then a TOTP code where the person turned it on), lockout, account."""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.core import services
from gonghui.core.forms import OtpTokenForm
from gonghui.core.models import User
from gonghui.core.permissions import ROLES, Perm
from gonghui.core.scoping import actor_can, roles_of

PENDING_USER = "gonghui_otp_pending_user"
PENDING_BACKEND = "gonghui_otp_pending_backend"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:home")


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if user_has_device(user):
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = getattr(user, "backend", "")
            return redirect(
                f"{reverse('core:login_otp')}?{urlencode({'next': _next_url(request)})}"
            )
        auth_login(request, user)
        return redirect(_next_url(request))
    context = {"form": form, "next": request.GET.get(REDIRECT_FIELD_NAME, "")}
    return render(request, "registration/login.html", context)


@require_http_methods(["GET", "POST"])
def login_otp(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_USER)
    if user_id is None:
        return redirect("core:login")
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return redirect("core:login")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is not None:
            backend = request.session.pop(PENDING_BACKEND, "")
            request.session.pop(PENDING_USER, None)
            auth_login(request, user, backend=backend or None)
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("That code is wrong or has expired. Try the newest one."))
    return render(request, "registration/login_otp.html", {"form": form})


def lockout(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """Shown by django-axes after too many wrong passwords for one name from one address."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/lockout.html", {"minutes": minutes}, status=429)


class PasswordChange(PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("core:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user: User = form.user
        services.api_tokens_revoke_all(actor=user)
        services.audit_record(actor=user, action="user.password_change", obj=user)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    assignments = roles_of(user)
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    qr_svg = ""
    if pending is not None:
        image = qrcode.make(
            pending.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8
        )
        qr_svg = image.to_string(encoding="unicode")
    context = {
        "roles": [(ROLES[a.role].label, a.org) for a in assignments],
        "is_staff_member": actor_can(user, Perm.ORG_VIEW),
        "has_totp": user_has_device(user),
        "pending": pending,
        "qr_svg": qr_svg,
        "form": OtpTokenForm(),
    }
    return render(request, "core/account.html", context)


@login_required
@require_POST
def mobile_set(request: HttpRequest) -> HttpResponse:
    """Where SMS notifications reach the person (when the deployment sends SMS)."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    try:
        services.user_mobile_set(actor=user, mobile=request.POST.get("mobile", "")[:20])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved: notifications reach you there."))
    return redirect("core:account")


@login_required
@require_POST
def totp_start(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    if not actor_can(user, Perm.ORG_VIEW):
        messages.error(request, _("Two-factor login is for union staff."))
    else:
        services.totp_device_start(actor=user)
    return HttpResponseRedirect(reverse("core:account") + "#two-factor")


@login_required
@require_POST
def totp_confirm(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    form = OtpTokenForm(request.POST)
    if form.is_valid() and services.totp_device_confirm(
        actor=user, token=form.cleaned_data["token"]
    ):
        messages.success(request, _("Two-factor login is on."))
    else:
        messages.error(request, _("That code is wrong or has expired. Try the newest one."))
    return HttpResponseRedirect(reverse("core:account") + "#two-factor")


@login_required
@require_POST
def totp_remove(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required
    form = OtpTokenForm(request.POST)
    if form.is_valid() and services.totp_device_remove(
        actor=user, token=form.cleaned_data["token"]
    ):
        messages.success(request, _("Two-factor login is off."))
    else:
        messages.error(request, _("That code is wrong or has expired. Try the newest one."))
    return HttpResponseRedirect(reverse("core:account") + "#two-factor")
