"""Who must use two-factor authentication, and what a session still owes before the site
opens. Answers come from the user row, the session and the cached tenant: no queries."""

import time

from django.conf import settings

from ..models import CUSTOMER_ROLES, STAFF_ROLES, Role, Tenant, User

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"

# What a signed-in session still has to do before anything else opens.
STEP_VERIFY = "verify"
STEP_SETUP = "setup"


def two_factor_required(*, user: User, tenant: Tenant | None) -> bool:
    """Whether ``user`` must have an authenticator app: the tenant's policy for its staff
    and its customers; for platform superusers the ``PLATFORM_2FA_REQUIRED`` setting."""
    if user.role == Role.PLATFORM or user.is_superuser:
        return bool(getattr(settings, "PLATFORM_2FA_REQUIRED", True))
    if tenant is None:
        return False
    if user.role in STAFF_ROLES:
        return tenant.require_2fa_for_staff
    if user.role in CUSTOMER_ROLES:
        return tenant.require_2fa_for_customers
    return False


def session_is_verified(user) -> bool:
    """True when this session entered a code (django-otp's OTPMiddleware sets it)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def pending_step(request) -> str | None:
    """``STEP_VERIFY`` between password and code, ``STEP_SETUP`` for a user who must enrol
    and has no authenticator yet, None when the session may use the site."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if user.two_factor_enabled:
        return None if session_is_verified(user) else STEP_VERIFY
    if two_factor_required(user=user, tenant=getattr(request, "tenant", None)):
        return STEP_SETUP
    return None


def two_factor_satisfied(request) -> bool:
    """Whether the signed-in user has done everything two-factor asks of them. Django admin
    additionally insists on it, so admin stays closed even if the middleware were bypassed."""
    return pending_step(request) is None


# When this session last proved the password (sign-in or password change); sensitive
# changes ask for it again after a while.
PASSWORD_AT_SESSION_KEY = "accounts_password_at"
PASSWORD_FRESH_SECONDS = 10 * 60


def password_entered(request) -> None:
    request.session[PASSWORD_AT_SESSION_KEY] = time.time()


def password_recently_entered(request) -> bool:
    entered = request.session.get(PASSWORD_AT_SESSION_KEY)
    return isinstance(entered, int | float) and time.time() - entered < PASSWORD_FRESH_SECONDS
