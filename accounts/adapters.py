from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context

from helpdesk.emails import send_templated_email


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
