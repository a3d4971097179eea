from allauth.account.auth_backends import AuthenticationBackend

from helpdesk.tenant_data import tenant_row


def may_sign_in_here(user, request) -> bool:
    """A user signs in only on their own tenant's hosts; platform superusers only on the
    platform's hosts; contacts in copy (outside addresses) nowhere."""
    if request is None or not hasattr(request, "tenant") or user.is_contact:
        return False
    tenant_id = request.tenant.pk if request.tenant else None
    return user.tenant_id == tenant_id


class TenantAuthenticationBackend(AuthenticationBackend):
    """allauth's email + password check, refused with the same error as a wrong password
    when the account belongs to another tenant.

    The tenant is checked before the password, so even an inactive account of another
    tenant is indistinguishable from an unknown address.
    """

    def authenticate(self, request, **credentials):
        self._request = request
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password):
        if user is not None and not may_sign_in_here(user, getattr(self, "_request", None)):
            self._mitigate_timing_attack(password)
            self._did_check_password = True
            return None
        return super()._check_password(user, password)

    def get_user(self, user_id):
        """The person signed in, from this process's memory while their tenant's data is
        unchanged (any save of a person changes it: a deactivation, a new role or password
        shows on their next request); read on every request otherwise."""
        try:
            row_id = int(user_id)
        except (TypeError, ValueError):
            return super().get_user(user_id)
        return tenant_row(
            "signed-in", row_id, lambda: super(TenantAuthenticationBackend, self).get_user(user_id)
        )
