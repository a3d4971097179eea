"""The person's own two-factor pages: the sign-in code step, setting up an authenticator,
backup codes and turning two-factor off."""

from urllib.parse import quote

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from helpdesk.links import tenant_base_url

from ..audit import Origin
from . import ratelimit, selectors, services
from .forms import DisableForm, EnrolForm, PasswordConfirmForm, SignInCodeForm
from .policy import (
    STEP_SETUP,
    STEP_VERIFY,
    password_recently_entered,
    pending_step,
    two_factor_required,
)
from .services import CodeRejected, CodesLocked

NEW_CODES_SESSION_KEY = "accounts_new_backup_codes"


def safe_next(request, default: str | None = None) -> str:
    """Where to go once this step is done: ``next`` when it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or _home(request)


def _home(request) -> str:
    return reverse("home") if request.tenant is not None else reverse("admin:index")


def _security_home(request) -> str:
    return reverse("profile") if request.tenant is not None else reverse("admin:index")


def lockout_message(error: CodesLocked) -> str:
    if error.scope == "device":
        seconds = max(int((error.until - timezone.now()).total_seconds()) + 1, 1)
        return ngettext(
            "Too many wrong codes in a row. Wait %(seconds)d second and try again with a "
            "fresh code.",
            "Too many wrong codes in a row. Wait %(seconds)d seconds and try again with a "
            "fresh code.",
            seconds,
        ) % {"seconds": seconds}
    until = formats.time_format(timezone.localtime(error.until), "TIME_FORMAT")
    if error.scope == "user":
        text = _(
            "Too many wrong codes. For your security, code entry is locked for this account "
            "until %(until)s. If you lost your authenticator, ask your help desk's "
            "administrator to reset your two-factor authentication."
        )
    else:
        text = _(
            "Too many wrong codes. For your security, code entry is locked for your network "
            "until %(until)s. If you lost your authenticator, ask your help desk's "
            "administrator to reset your two-factor authentication."
        )
    return text % {"until": until}


def _base_url(request) -> str:
    return tenant_base_url(tenant=getattr(request, "tenant", None))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request):
    """The sign-in step between password and the rest of the site."""
    next_url = safe_next(request)
    if pending_step(request) != STEP_VERIFY:
        return redirect(next_url)
    user = request.user
    origin = Origin.from_request(request)
    form = SignInCodeForm(request.POST or None)
    notice = ""
    if request.method == "POST" and form.is_valid():
        try:
            device = services.sign_in_code_verify(
                user=user, code=form.cleaned_data["code"], origin=origin
            )
        except CodesLocked as error:
            form.add_error(None, lockout_message(error))
        except CodeRejected as error:
            form.add_error("code", error.message)
        else:
            django_otp.login(request, device)
            # A new session key for the now fully signed-in session.
            request.session.cycle_key()
            if isinstance(device, StaticDevice):
                left = selectors.backup_codes_remaining(user=user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a backup code; it cannot be used again. "
                        "%(count)d backup code left.",
                        "You signed in with a backup code; it cannot be used again. "
                        "%(count)d backup codes left.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url)
    elif request.method == "GET":
        lockout = ratelimit.current_lockout(user_id=user.pk, ip=origin.ip)
        if lockout is not None:
            notice = lockout_message(CodesLocked(lockout.until, lockout.scope))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url, "notice": notice},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request):
    """Add an authenticator app: scan the QR code (or type the key), confirm with a code."""
    user = request.user
    next_url = safe_next(request, default=_security_home(request))
    if user.two_factor_enabled:
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect(_security_home(request))
    forced = pending_step(request) == STEP_SETUP
    device = services.totp_device_start(user=user)
    password_required = not password_recently_entered(request)
    form = EnrolForm(request.POST or None, password_required=password_required)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_enable(
                user=user,
                device=device,
                code=form.cleaned_data["code"],
                password=form.cleaned_data.get("password") if password_required else None,
                origin=Origin.from_request(request),
                base_url=_base_url(request),
            )
        except CodesLocked as error:
            form.add_error(None, lockout_message(error))
        except CodeRejected as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            device.refresh_from_db()
            django_otp.login(request, device)
            request.session.cycle_key()
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(reverse("two_factor_backup_codes") + "?next=" + quote(next_url))
    context = {
        "form": form,
        "enrolment": selectors.totp_enrolment(device=device, user=user, tenant=request.tenant),
        "forced": forced,
        "layout": "base_entrance.html" if forced else "base.html",
        "next": next_url,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_backup_codes(request):
    """New backup codes are shown once, right after they are made; this page also makes new
    ones (after the password), which replaces the old set."""
    user = request.user
    if not user.two_factor_enabled:
        return redirect("two_factor_setup")
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.backup_codes_regenerate(
                user=user,
                password=form.cleaned_data["password"],
                origin=Origin.from_request(request),
                base_url=_base_url(request),
            )
        except CodesLocked as error:
            form.add_error(None, lockout_message(error))
        except CodeRejected as error:
            form.add_error("password", error.message)
        else:
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("New backup codes were made; the old ones no longer work."))
            return redirect("two_factor_backup_codes")
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None) if request.method == "GET" else None
    context = {
        "form": form,
        "codes": codes,
        "download": _codes_download(request, codes) if codes else None,
        "remaining": None if codes else selectors.backup_codes_remaining(user=user),
        "continue_url": safe_next(request, default=_security_home(request)),
    }
    return render(request, "accounts/two_factor_backup_codes.html", context)


def _codes_download(request, codes: list[str]) -> dict:
    """A data: link, so the codes are downloadable without being kept anywhere to serve."""
    where = request.tenant.portal_title if request.tenant else _("Help desk platform")
    lines = [
        _("Backup codes for %(email)s at %(where)s")
        % {"email": request.user.email, "where": where},
        _("Each code signs you in once when your authenticator app is not at hand."),
        "",
        *codes,
        "",
    ]
    slug = request.tenant.slug if request.tenant else "helpdesk"
    return {
        "href": "data:text/plain;charset=utf-8," + quote("\n".join(lines)),
        "filename": f"{slug}-backup-codes.txt",
    }


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_disable(request):
    user = request.user
    if not user.two_factor_enabled:
        return redirect(_security_home(request))
    required = two_factor_required(user=user, tenant=request.tenant)
    form = DisableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_disable(
                user=user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
                origin=Origin.from_request(request),
                base_url=_base_url(request),
            )
        except CodesLocked as error:
            form.add_error(None, lockout_message(error))
        except CodeRejected as error:
            form.add_error(error.field, error.message)
        else:
            if required:
                messages.warning(
                    request,
                    _(
                        "Two-factor authentication is off. Your help desk requires it: set "
                        "up your authenticator app again to continue."
                    ),
                )
                return redirect("two_factor_setup")
            messages.success(request, _("Two-factor authentication is off."))
            return redirect(_security_home(request))
    return render(request, "accounts/two_factor_disable.html", {"form": form, "required": required})
