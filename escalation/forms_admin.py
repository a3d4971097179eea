"""Admin forms of the escalation matrix and the on-call rota.

Every choice is narrowed to the matrix's tenant, and every mistake a person can make is a
form error next to the field, never a database error.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from helpdesk.admin import TenantScopedAdminForm, TenantScopedInlineFormSet
from tickets.models import TicketType

from .models import (
    Audience,
    EscalationLevel,
    EscalationMatrix,
    EscalationRule,
    OnCallShift,
    Threshold,
)
from .selectors import split_addresses


def active_staff(tenant_id):
    return User.objects.for_tenant(tenant_id).staff().filter(is_active=True).order_by("full_name")


def catalogue(tenant_id):
    """Request types in catalogue order, each top-level entry followed by its
    sub-categories (choosing an entry covers them)."""
    return (
        TicketType.objects.for_tenant(tenant_id)
        .select_related("parent")
        .order_by(
            Coalesce("parent__position", "position"),
            Coalesce("parent__name", "name"),
            F("parent_id").asc(nulls_first=True),
            "position",
            "name",
        )
    )


def clean_addresses(text: str) -> str:
    """One valid address per line; commas are accepted and normalised to lines."""
    addresses = split_addresses(text or "")
    invalid = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            invalid.append(address)
    if invalid:
        raise ValidationError(
            _("Not an email address: %(addresses)s."), params={"addresses": ", ".join(invalid)}
        )
    return "\n".join(addresses)


class EscalationMatrixForm(forms.ModelForm):
    class Meta:
        model = EscalationMatrix
        fields = ["tenant", "is_active", "on_call_fallback_emails"]
        widgets = {"on_call_fallback_emails": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def clean_on_call_fallback_emails(self):
        return clean_addresses(self.cleaned_data.get("on_call_fallback_emails"))


class EscalationLevelForm(forms.ModelForm):
    class Meta:
        model = EscalationLevel
        fields = ["rank", "name", "audience", "tier", "users", "ticket_types", "emails"]
        widgets = {"emails": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def clean_rank(self):
        rank = self.cleaned_data.get("rank")
        if rank is not None and rank < 1:
            raise ValidationError(_("Ranks start at 1 (the first line)."))
        return rank

    def clean_name(self):
        return (self.cleaned_data.get("name") or "").strip()

    def clean_emails(self):
        return clean_addresses(self.cleaned_data.get("emails"))

    def clean(self):
        cleaned = super().clean()
        audience = cleaned.get("audience")
        if cleaned.get("tier") and audience != Audience.ENGINEERS:
            self.add_error("tier", _("A tier narrows the engineers group only."))
        if (
            audience == Audience.NAMED
            and not cleaned.get("users")
            and not cleaned.get("emails")
            and "users" not in self.errors
            and "emails" not in self.errors
        ):
            self.add_error(
                "users", _("Name the people or addresses of this level, or choose a group.")
            )
        return cleaned


class EscalationLevelFormSet(TenantScopedInlineFormSet):
    """The levels of one matrix: people and request types of the matrix's tenant only,
    names unique, and no level removed while a rule still escalates to it."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        tenant_id = self.instance.tenant_id
        self.narrow_choices(form, "users", active_staff(tenant_id))
        self.narrow_choices(form, "ticket_types", catalogue(tenant_id))

    def clean(self):
        super().clean()
        seen = {}
        removed = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            if self.can_delete and self._should_delete_form(form):
                if form.instance.pk:
                    removed.append(form.instance)
                continue
            name = form.cleaned_data.get("name")
            if not name:
                continue
            if name.casefold() in seen:
                form.add_error(
                    "name",
                    _("Another level is called “%(name)s”.") % {"name": seen[name.casefold()]},
                )
            else:
                seen[name.casefold()] = name
        for level in removed:
            still = self._rules_kept_on(level)
            if still:
                raise ValidationError(
                    _(
                        "Rules still escalate to %(level)s (%(rules)s): point them at another "
                        "level or delete them in the same save."
                    )
                    % {"level": level.name, "rules": "; ".join(still)}
                )

    def before_rows_saved(self) -> None:
        renamed = [obj.pk for obj, fields in self.changed_objects if "name" in fields]
        if len(renamed) > 1:
            # Names are unique per tenant: levels that swap names in one save step aside
            # first, so no row briefly holds a name another still has.
            EscalationLevel.objects.filter(pk__in=renamed).update(
                name=Concat(Value("\u2060"), Cast("pk", CharField()))
            )

    def _rules_kept_on(self, level) -> list[str]:
        """Descriptions of the saved rules that would still point at ``level`` after this
        save (the rules below are submitted with the levels, on the same page)."""
        posted = _posted_rules(self.data)
        kept = []
        for rule in EscalationRule.objects.filter(level=level).select_related("level"):
            change = posted.get(str(rule.pk))
            if change is not None and (change["deleted"] or change["level"] != str(level.pk)):
                continue
            kept.append(rule.describe())
        return kept


def _posted_rules(data, prefix: str = "rules") -> dict[str, dict]:
    """What the page's rules formset asks for each saved rule: deleted, or its level."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        return {}
    posted = {}
    for index in range(total):
        pk = data.get(f"{prefix}-{index}-id")
        if pk:
            posted[pk] = {
                "deleted": bool(data.get(f"{prefix}-{index}-DELETE")),
                "level": data.get(f"{prefix}-{index}-level", ""),
            }
    return posted


class EscalationRuleForm(forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = [
            "priority",
            "metric",
            "threshold",
            "amount",
            "level",
            "notify_assignee",
            "reassign",
            "raise_priority_to",
            "business_hours_only",
            "is_active",
        ]
        widgets = {"amount": forms.NumberInput(attrs={"style": "width: 6em", "min": 0})}

    def clean(self):
        cleaned = super().clean()
        threshold, amount = cleaned.get("threshold"), cleaned.get("amount")
        if threshold == Threshold.PERCENT and amount is not None and not 1 <= amount <= 1000:
            self.add_error("amount", _("A share of the target runs from 1 to 1000 %."))
        elif threshold == Threshold.BEFORE_DUE and not amount:
            self.add_error("amount", _("Say how many minutes before the due time."))
        elif threshold == Threshold.AFTER_DUE and not amount:
            self.add_error("amount", _("Say how many minutes after the due time."))
        elif threshold == Threshold.AT_DUE:
            cleaned["amount"] = 0
        if "level" not in self.errors and not cleaned.get("level"):
            if not cleaned.get("notify_assignee"):
                self.add_error("level", _("Choose a level to escalate to, or warn the assignee."))
            if cleaned.get("reassign"):
                self.add_error("reassign", _("Handing over needs a level to hand over to."))
        return cleaned


class EscalationRuleFormSet(TenantScopedInlineFormSet):
    """The rules of one matrix: they escalate to the matrix's own levels; the same rule
    twice is refused (it would only send the same email twice)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        self.narrow_choices(
            form,
            "level",
            EscalationLevel.objects.filter(matrix_id=self.instance.pk).order_by("rank", "name"),
        )

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            level = data.get("level")
            key = (
                data.get("priority"),
                data.get("metric"),
                data.get("threshold"),
                data.get("amount"),
                level.pk if level else None,
                data.get("notify_assignee"),
            )
            if key in seen:
                form.add_error(None, _("The same rule is listed twice."))
            seen.add(key)


class OnCallShiftForm(TenantScopedAdminForm):
    class Meta:
        model = OnCallShift
        fields = ["tenant", "user", "starts_at", "ends_at", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.admin_tenant_id is not None and "user" in self.fields:
            self.fields["user"].queryset = active_staff(self.admin_tenant_id)
            self.fields["user"].label = gettext_lazy("Person")

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The shift must end after it starts."))
        user = cleaned.get("user")
        tenant = cleaned.get("tenant")
        tenant_id = self.admin_tenant_id or (tenant.pk if tenant else None)
        if user is not None and tenant_id is not None:
            if user.tenant_id != tenant_id or not user.is_agent:
                self.add_error("user", _("Choose a member of this help desk's staff."))
            elif not user.is_active:
                self.add_error("user", _("%(person)s is deactivated.") % {"person": user})
        return cleaned
