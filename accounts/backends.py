from allauth.account.auth_backends import AuthenticationBackend


def may_sign_in_here(user, request) -> bool:
    """A user signs in only on their own tenant's hosts; platform superusers only on the
    platform's hosts."""
    if request is None or not hasattr(request, "tenant"):
        return False
    tenant_id = request.tenant.pk if request.tenant else None
    return user.tenant_id == tenant_id


class TenantAuthenticationBackend(AuthenticationBackend):
    """allauth's email + password check, refused (with the same error as a wrong password)
    when the account belongs to another tenant."""

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is None or not may_sign_in_here(user, request):
            return None
        return user
