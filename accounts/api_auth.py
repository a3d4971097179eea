"""Personal access tokens on the JSON API: ``Authorization: Bearer hd_…``."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from helpdesk.languages import language_supported

from .tokens import api_token_authenticate

KEYWORD = b"bearer"


class TokenAuthentication(BaseAuthentication):
    """A request with a bearer token is that token's person, with the token's scope as
    ``request.auth`` (an :class:`~accounts.models.ApiToken`).

    Without an ``Authorization`` header (or with another scheme) it steps aside, so the
    browser's session can be tried next. A bearer token that is not a live token of this
    host's tenant is refused with 401, never passed on to the session: a script with a
    bad token learns so at once.
    """

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD:
            return None
        if len(header) != 2:
            raise AuthenticationFailed(
                _("Send the token as one value: Authorization: Bearer <token>.")
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("Invalid or expired token.")) from None
        tenant = getattr(request._request, "tenant", None)
        token = api_token_authenticate(tenant=tenant, raw=raw)
        if token is None:
            raise AuthenticationFailed(_("Invalid or expired token."))
        # Code below DRF (middleware on the way out, logging) sees the person too, and
        # answers in their language, as the pages do once they are signed in.
        request._request.user = token.user
        if language_supported(token.user.language):
            translation.activate(token.user.language)
            request._request.LANGUAGE_CODE = translation.get_language()
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
