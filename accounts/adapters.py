from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.core.exceptions import ValidationError

from helpdesk.emails import send_templated_email

from .audit import Origin
from .security import sign_in_failed_record


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
        )

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
