from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

TWO_FACTOR_MIDDLEWARE = "accounts.middleware.TwoFactorMiddleware"


@register(Tags.security)
def two_factor_middleware_installed(app_configs, **kwargs):
    middleware = list(settings.MIDDLEWARE)
    if TWO_FACTOR_MIDDLEWARE not in middleware:
        return [
            Error(
                "Two-factor authentication is not enforced.",
                hint=f"Add {TWO_FACTOR_MIDDLEWARE!r} to MIDDLEWARE.",
                id="accounts.E001",
            )
        ]
    position = middleware.index(TWO_FACTOR_MIDDLEWARE)
    needed = ("django_otp.middleware.OTPMiddleware", "accounts.middleware.TenantMiddleware")
    if any(name not in middleware[:position] for name in needed):
        return [
            Error(
                "TwoFactorMiddleware runs before the middleware it relies on.",
                hint="Place it after OTPMiddleware and TenantMiddleware.",
                id="accounts.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def platform_two_factor_required(app_configs, **kwargs):
    if not getattr(settings, "PLATFORM_2FA_REQUIRED", True):
        return [
            Warning(
                "Platform superusers can sign in without two-factor authentication.",
                hint="Unset PLATFORM_2FA_REQUIRED (it defaults to on) in production.",
                id="accounts.W001",
            )
        ]
    return []
