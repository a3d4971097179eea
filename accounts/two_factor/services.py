"""Writes for two-factor authentication: enrol, verify a code, backup codes, disable, reset.

Every change keeps ``User.two_factor_enabled`` in step with the devices, writes an audit row
and emails the person, all in one transaction. Code checks go through :func:`code_verify`,
which applies django-otp's per-device throttling and the account/address lock-outs.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..audit import Origin, audit_record
from ..models import AuditEvent, Tenant, User
from ..security import security_email_send
from . import ratelimit
from .policy import BACKUP_CODE_COUNT, BACKUP_DEVICE_NAME, TOTP_DEVICE_NAME
from .selectors import backup_codes_remaining


class CodeRejected(Exception):
    """The code (or, with ``field="password"``, the password) given is wrong."""

    def __init__(
        self,
        message: str | None = None,
        field: str = "code",
    ):
        message = message or gettext("That code is not correct. Check your app and try again.")
        super().__init__(message)
        self.message = message
        self.field = field


class CodesLocked(Exception):
    """Too many wrong codes: nothing is checked until ``until``."""

    def __init__(self, until, scope: str):
        super().__init__(f"locked until {until.isoformat()} ({scope})")
        self.until = until
        self.scope = scope


def normalize_code(raw: str) -> str:
    """Codes are typed with spaces or dashes (``123 456``, ``abcd-efgh``); neither counts."""
    return "".join(ch for ch in (raw or "") if ch not in " -\t").lower()


def _ensure_not_locked(*, user: User, origin: Origin) -> None:
    lockout = ratelimit.current_lockout(user_id=user.pk, ip=origin.ip)
    if lockout is not None:
        raise CodesLocked(lockout.until, lockout.scope)


def _count_failure(*, user: User, origin: Origin, purpose: str, what: str) -> None:
    kind = (
        AuditEvent.Kind.PASSWORD_CONFIRM_FAILED
        if what == "password"
        else AuditEvent.Kind.CODE_FAILED
    )
    audit_record(
        kind=kind,
        tenant=user.tenant,
        origin=origin,
        actor=user,
        user=user,
        details={"purpose": purpose},
    )
    started = ratelimit.record_failure(user_id=user.pk, ip=origin.ip)
    if started is not None:
        audit_record(
            kind=AuditEvent.Kind.CODE_LOCKED,
            tenant=user.tenant,
            origin=origin,
            user=user,
            details={"scope": started.scope, "until": started.until.isoformat()},
        )
        raise CodesLocked(started.until, started.scope)


def password_confirm(*, user: User, password: str, origin: Origin, purpose: str) -> None:
    """The current password, asked before a security change (two-factor, backup codes, the
    sign-in address). A wrong one counts towards the same lock-outs as wrong codes, so the
    confirmation cannot be used to guess passwords. Call it outside the change's
    transaction: the failure's audit row must stay."""
    _ensure_not_locked(user=user, origin=origin)
    if not user.check_password(password or ""):
        _count_failure(user=user, origin=origin, purpose=purpose, what="password")
        raise CodeRejected(gettext("That password is not correct."), field="password")


def _check_device(device, token: str) -> bool:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        # django-otp's own back-off after consecutive wrong codes on this device.
        raise CodesLocked(info["locked_until"], "device")
    return device.verify_token(token)


def code_verify(
    *, user: User, code: str, origin: Origin, purpose: str
) -> TOTPDevice | StaticDevice:
    """The confirmed device that accepts ``code`` (an app code or a backup code).

    Raises :class:`CodesLocked` while the account, the address or the device is locked out,
    and :class:`CodeRejected` for a wrong code (which counts towards the lock-outs).
    A backup code is spent by the check.
    """
    _ensure_not_locked(user=user, origin=origin)
    token = normalize_code(code)
    device_class = TOTPDevice if token.isdigit() else StaticDevice
    matched = None
    if token:
        with transaction.atomic():
            devices = device_class.objects.devices_for_user(user, confirmed=True)
            for device in devices.select_for_update().order_by("pk"):
                if _check_device(device, token):
                    matched = device
                    break
    if matched is None:
        _count_failure(user=user, origin=origin, purpose=purpose, what="code")
        raise CodeRejected()
    ratelimit.record_success(user_id=user.pk)
    return matched


def sign_in_code_verify(*, user: User, code: str, origin: Origin) -> TOTPDevice | StaticDevice:
    """The sign-in code step: verify and record it. The view marks the session verified."""
    device = code_verify(user=user, code=code, origin=origin, purpose="sign_in")
    if isinstance(device, StaticDevice):
        audit_record(
            kind=AuditEvent.Kind.BACKUP_CODE_USED,
            tenant=user.tenant,
            origin=origin,
            actor=user,
            user=user,
            details={"remaining": backup_codes_remaining(user=user)},
        )
    else:
        audit_record(
            kind=AuditEvent.Kind.CODE_ACCEPTED,
            tenant=user.tenant,
            origin=origin,
            actor=user,
            user=user,
        )
    return device


def totp_device_start(*, user: User) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device per person, kept across page
    loads so the QR code does not change under them."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _backup_codes_replace(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < BACKUP_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_enable(
    *,
    user: User,
    device: TOTPDevice,
    code: str,
    origin: Origin,
    base_url: str,
    password: str | None = None,
) -> list[str]:
    """Confirm the authenticator being set up with a code from it; returns the new backup
    codes, which are shown once. ``password``, when given, is checked first (the view asks
    for it unless the person typed it moments ago)."""
    if password is not None:
        password_confirm(user=user, password=password, origin=origin, purpose="enrol")
    _ensure_not_locked(user=user, origin=origin)
    token = normalize_code(code)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device.pk, user=user, confirmed=False)
            .first()
        )
        if device is None:
            raise CodeRejected(
                gettext("This setup has expired. Scan the new QR code and try again.")
            )
        accepted = token.isdigit() and _check_device(device, token)
    if not accepted:
        _count_failure(user=user, origin=origin, purpose="enrol", what="code")
        raise CodeRejected()
    ratelimit.record_success(user_id=user.pk)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _backup_codes_replace(user=user)
        user.two_factor_enabled = True
        user.save(update_fields=["two_factor_enabled"])
        audit_record(
            kind=AuditEvent.Kind.TWO_FACTOR_ENABLED,
            tenant=user.tenant,
            origin=origin,
            actor=user,
            user=user,
        )
        security_email_send(
            user=user, template="two_factor_enabled", origin=origin, base_url=base_url
        )
    return codes


def backup_codes_regenerate(
    *, user: User, password: str, origin: Origin, base_url: str
) -> list[str]:
    """New backup codes after the password is confirmed; the old ones stop working."""
    if not user.two_factor_enabled:
        raise PermissionDenied(gettext("Two-factor authentication is not on."))
    # Checked outside the transaction below, so a wrong password stays in the audit log.
    password_confirm(user=user, password=password, origin=origin, purpose="backup_codes")
    with transaction.atomic():
        codes = _backup_codes_replace(user=user)
        audit_record(
            kind=AuditEvent.Kind.BACKUP_CODES_REGENERATED,
            tenant=user.tenant,
            origin=origin,
            actor=user,
            user=user,
        )
        security_email_send(
            user=user, template="backup_codes_regenerated", origin=origin, base_url=base_url
        )
    return codes


def _devices_remove(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.two_factor_enabled = False
    user.save(update_fields=["two_factor_enabled"])


def two_factor_disable(
    *, user: User, password: str, code: str, origin: Origin, base_url: str
) -> None:
    """Turn two-factor off: needs the password and a current code (or a backup code)."""
    if not user.two_factor_enabled:
        return
    password_confirm(user=user, password=password, origin=origin, purpose="disable")
    code_verify(user=user, code=code, origin=origin, purpose="disable")
    with transaction.atomic():
        _devices_remove(user=user)
        audit_record(
            kind=AuditEvent.Kind.TWO_FACTOR_DISABLED,
            tenant=user.tenant,
            origin=origin,
            actor=user,
            user=user,
        )
        security_email_send(
            user=user, template="two_factor_disabled", origin=origin, base_url=base_url
        )


@transaction.atomic
def two_factor_reset(
    *, actor: User, tenant: Tenant | None, user: User, origin: Origin, base_url: str
) -> None:
    """An admin removes a person's authenticator and backup codes (a lost phone). The person
    is emailed; under a 2FA requirement they set up a new app at their next sign-in."""
    if actor.pk == user.pk:
        raise PermissionDenied(
            gettext("Turn off your own two-factor authentication from your profile.")
        )
    same_tenant = (
        tenant is not None
        and actor.is_tenant_admin
        and actor.tenant_id == tenant.pk
        and user.tenant_id == tenant.pk
    )
    if not (actor.is_superuser or same_tenant):
        raise PermissionDenied(gettext("Only an admin of this help desk can reset two-factor."))
    _devices_remove(user=user)
    ratelimit.clear(user_id=user.pk)
    audit_record(
        kind=AuditEvent.Kind.TWO_FACTOR_RESET,
        tenant=user.tenant,
        origin=origin,
        actor=actor,
        user=user,
    )
    security_email_send(
        user=user,
        template="two_factor_reset",
        origin=origin,
        base_url=base_url,
        context={"admin": actor},
    )
