"""The profile's personal access tokens: list, create (shown once), revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk.forms import form_errors_from
from helpdesk.ratelimit import limit_exceeded

from . import tokens
from .audit import Origin
from .decorators import tenant_member_required
from .forms import ApiTokenForm

# The new token waits here between the POST that made it and the page that shows it, and
# is popped on that page's first display.
NEW_TOKEN_SESSION_KEY = "api_token_new"


@never_cache
@require_http_methods(["GET", "POST"])
@tenant_member_required
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if limit_exceeded(
            scope="api_token_create",
            key=request.user.pk,
            limit=tokens.CREATIONS_PER_HOUR,
            window_seconds=3600,
        ):
            form.add_error(None, _("You made too many tokens in the last hour. Try again later."))
        else:
            try:
                token, raw = tokens.api_token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    can_write=form.can_write,
                    expires_at=form.cleaned_data["expires_at"],
                    origin=Origin.from_request(request),
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "token": raw}
                return redirect("api_tokens")
    new = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    context = {
        "form": form,
        "tokens": list(tokens.api_tokens_of(user=request.user)),
        "new_token": new["token"] if new else None,
        "new_token_id": new["id"] if new else None,
        "live_max": tokens.LIVE_TOKENS_MAX,
    }
    return render(request, "accounts/api_token_list.html", context)


@require_POST
@tenant_member_required
def api_token_revoke(request, token_id: int):
    token = tokens.api_token_of_owner(user=request.user, token_id=token_id)
    if tokens.api_token_revoke(
        user=request.user, token_id=token.pk, origin=Origin.from_request(request)
    ):
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    else:
        messages.info(request, _("The token “%(name)s” no longer worked.") % {"name": token.name})
    return redirect("api_tokens")
