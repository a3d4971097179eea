"""How the schema names the API's two ways in (imported by the URLconf, before the
schema is generated)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api_auth.TokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from your profile page (API tokens). "
            "Read-only tokens may only use GET.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "helpdesk.api.auth.SameOriginSessionAuthentication"
    name = "browserSession"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The signed-in browser session, for scripts on the help desk's own "
            "pages; writes need the X-CSRFToken header.",
        }
