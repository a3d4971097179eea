"""The profile's sign-in address change: ask (password + new address), then confirm from
the emailed link."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpdesk.forms import form_errors_from

from . import email_change as changes
from .audit import Origin
from .decorators import tenant_member_required
from .forms import EmailChangeForm
from .two_factor.services import CodeRejected, CodesLocked
from .two_factor.views import lockout_message


@require_http_methods(["GET", "POST"])
@tenant_member_required
def email_change(request):
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        try:
            changes.email_change_request(
                user=request.user,
                tenant=request.tenant,
                new_email=new_email,
                password=form.cleaned_data["password"],
                origin=Origin.from_request(request),
            )
        except CodeRejected as error:
            form.add_error("password", error.message)
        except CodesLocked as error:
            form.add_error(None, lockout_message(error))
        except changes.EmailChangeLimited:
            form.add_error(None, _("You asked for too many address changes. Try again in an hour."))
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            # The same answer whether or not the address is free: whether an address has
            # an account on this platform is nobody else's business.
            hours = int(changes.EMAIL_CHANGE_VALIDITY.total_seconds() // 3600)
            messages.success(
                request,
                _(
                    "We emailed a link to %(email)s. Open it within %(hours)d hours, signed "
                    "in as now, to start signing in with that address."
                )
                % {"email": new_email.lower(), "hours": hours},
            )
            return redirect("profile")
    return render(request, "accounts/email_change_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@tenant_member_required
def email_change_confirm(request, token: str):
    change = changes.email_change_for_token(user=request.user, tenant=request.tenant, token=token)
    if request.method == "POST":
        user = changes.email_change_confirm(
            user=request.user,
            tenant=request.tenant,
            change=change,
            origin=Origin.from_request(request),
        )
        if user is None:
            messages.error(request, _("This address can no longer be used. Choose another one."))
            return redirect("profile_email")
        messages.success(request, _("You now sign in with %(email)s.") % {"email": user.email})
        return redirect("profile")
    return render(request, "accounts/email_change_confirm.html", {"change": change})
