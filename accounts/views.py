from allauth.account import views as allauth_views
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from helpdesk.forms import form_errors_from
from helpdesk.languages import SESSION_CHOSEN, language_supported
from helpdesk.links import tenant_base_url

from . import selectors, services
from .audit import audit_events_for_user
from .decorators import org_admin_required, tenant_member_required
from .forms import InvitationAcceptForm, InviteForm, ProfileForm
from .two_factor.policy import password_entered, two_factor_required
from .two_factor.selectors import backup_codes_remaining


@require_POST
def language_switch(request):
    """The language switch (sign-in page, navigation): Django's ``set_language`` (the
    cookie and the way back to ``next``), kept in the profile of a signed-in person."""
    response = set_language(request)
    language = language_supported(request.POST.get("language"))
    if language:
        if request.user.is_authenticated:
            services.person_language_set(user=request.user, language=language)
        else:
            request.session[SESSION_CHOSEN] = language
    return response


@tenant_member_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        user = services.profile_update(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            time_zone=form.cleaned_data["time_zone"],
            language=form.cleaned_data["language"],
        )
        # The confirmation is in the language just chosen, like the page it leads to.
        with translation.override(user.language or translation.get_language()):
            messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    user = request.user
    context = {
        "form": form,
        "two_factor_required": two_factor_required(user=user, tenant=request.tenant),
        "backup_codes_left": (
            backup_codes_remaining(user=user) if user.two_factor_enabled else None
        ),
        "recent_activity": audit_events_for_user(user=user, limit=8),
    }
    return render(request, "accounts/profile_edit.html", context)


def password_change(request):
    """allauth's password change, except that an account without a password (made in admin
    and never reset) is sent to the reset by email: allauth's own "set a password" page,
    which asks for nothing, is not served."""
    user = request.user
    if user.is_authenticated and not user.has_usable_password():
        messages.info(request, _("Your account has no password yet: we can email you a link."))
        return redirect("account_reset_password")
    return allauth_views.password_change(request)


@org_admin_required
def members(request):
    organization = selectors.organization_for_actor(actor=request.user, tenant=request.tenant)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                tenant=request.tenant,
                organization=organization,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                base_url=tenant_base_url(tenant=request.tenant),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("members")
    context = {
        "organization": organization,
        "members": selectors.organization_members(tenant=request.tenant, organization=organization),
        "invitations": selectors.organization_pending_invitations(
            tenant=request.tenant, organization=organization
        ),
        "form": form,
    }
    return render(request, "accounts/member_list.html", context)


@require_POST
@org_admin_required
def invitation_revoke(request, invitation_id: int):
    invitation = selectors.invitation_for_org_admin(
        actor=request.user, tenant=request.tenant, invitation_id=invitation_id
    )
    services.invitation_revoke(actor=request.user, tenant=request.tenant, invitation=invitation)
    messages.success(
        request,
        _("The invitation for %(email)s was withdrawn.") % {"email": invitation.email},
    )
    return redirect("members")


@require_POST
@org_admin_required
def member_active(request, member_id: int):
    member = selectors.member_for_org_admin(
        actor=request.user, tenant=request.tenant, member_id=member_id
    )
    active = request.POST.get("active") == "1"
    try:
        services.member_set_active(
            actor=request.user, tenant=request.tenant, member=member, active=active
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = _("%(person)s was reactivated.") if active else _("%(person)s was deactivated.")
        messages.success(request, text % {"person": member})
    return redirect("members")


def invitation_accept(request, token: str):
    if request.tenant is None:
        raise Http404("No invitation here.")
    invitation = selectors.invitation_for_token(tenant=request.tenant, token=token)
    if request.user.is_authenticated:
        messages.info(request, _("You are already signed in."))
        return redirect("home")
    form = InvitationAcceptForm(
        request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                tenant=request.tenant,
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            login(request, user, backend="accounts.backends.TenantAuthenticationBackend")
            password_entered(request)
            messages.success(
                request, _("Welcome to %(portal)s.") % {"portal": request.tenant.portal_title}
            )
            return redirect("home")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@require_GET
@cache_control(public=True, max_age=300)
def brand_css(request):
    """The tenant's colours as CSS custom properties (a stylesheet, so the
    Content-Security-Policy needs no inline styles)."""
    colour = request.tenant.brand_color if request.tenant else "#334155"
    body = f":root {{ --brand: {colour}; }}\n"
    return HttpResponse(body, content_type="text/css; charset=utf-8")
