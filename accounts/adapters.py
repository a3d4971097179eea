from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from helpdesk.emails import send_templated_email
from helpdesk.links import tenant_url

from .audit import Origin
from .security import account_for_email, sign_in_failed_record

# allauth's emails carrying a link or code that opens the account: their bodies leave the
# outbox once delivered.
SENSITIVE_EMAILS = {
    "account/email/password_reset_key",
    "account/email/password_reset_code",
    "account/email/login_code",
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Customers join by invitation from their organization admin; staff are created
        # by tenant admins.
        return False

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        tenant = getattr(request, "tenant", None)
        send_templated_email(
            tenant=tenant,
            to=[email],
            template=template_prefix,
            context={"request": request, "email": email, **context},
            sensitive=template_prefix in SENSITIVE_EMAILS,
            # In the language of the account the address names here (the tenant's default
            # for an address without one), never the language of whoever asked.
            recipient=account_for_email(tenant=tenant, email=email),
        )

    def get_reset_password_from_key_url(self, key):
        # On the tenant's configured domain, scheme and port, not the request's Host header.
        path = urlsplit(super().get_reset_password_from_key_url(key)).path
        return tenant_url(tenant=getattr(self.request, "tenant", None), path=path)

    def get_email_confirmation_url(self, request, emailconfirmation):
        path = urlsplit(super().get_email_confirmation_url(request, emailconfirmation)).path
        return tenant_url(tenant=getattr(request, "tenant", None), path=path)

    def respond_user_inactive(self, request, user):
        # The explanation is shown in place: allauth's own inactive page is not routed.
        return TemplateResponse(request, "account/account_inactive.html", status=403)

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            # Refused by the failed-sign-in rate limit before the password was looked at.
            sign_in_failed_record(
                tenant=getattr(request, "tenant", None),
                email=str(credentials.get("email") or ""),
                origin=Origin.from_request(request),
                locked=True,
            )
            raise

    def add_message(self, request, level, message_template=None, message_context=None, **kw):
        # "Signed in as …" would be premature while the two-factor code is still due.
        user = getattr(request, "user", None)
        if (
            message_template == "account/messages/logged_in.txt"
            and user is not None
            and getattr(user, "two_factor_enabled", False)
        ):
            return
        super().add_message(request, level, message_template, message_context, **kw)
