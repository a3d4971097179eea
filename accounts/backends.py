from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model

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
        """The person signed in, with their organization and its plan (customers' pages
        name them), from this process's memory while their tenant's data is unchanged (any
        save of a person or an organization changes it: a deactivation, a new role or
        password shows on their next request); read on every request otherwise."""
        try:
            row_id = int(user_id)
        except (TypeError, ValueError):
            return None
        return tenant_row("signed-in", row_id, lambda: self._user_row(row_id))

    def _user_row(self, row_id: int):
        user = (
            get_user_model()
            ._default_manager.select_related("organization__plan")
            .filter(pk=row_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
