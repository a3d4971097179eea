from rest_framework.authentication import SessionAuthentication

from accounts.two_factor.policy import pending_step


class SameOriginSessionAuthentication(SessionAuthentication):
    """The browser's session, for scripts on the help desk's own pages: the CSRF token is
    required on every write (as on the pages), and a session still owing its two-factor
    code is not signed in here either."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None or pending_step(request._request) is not None:
            return None
        return result

    def authenticate_header(self, request):
        # Refusals are 401 (with a challenge), not 403: the client is not signed in.
        return 'Bearer realm="api"'
