"""Why the matrix escalated a ticket, in words.

The event and the ticket's timeline keep the reason in the help desk's language (it is
stored once, for every reader); each email says it again in its recipient's language, so
the emails get it lazily (:func:`lazy_reason`), written when each one is rendered.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext

from helpdesk.languages import person_language
from sla.engine import FIRST_RESPONSE

from ..matrix import RuleSpec
from ..models import rule_description


def rule_reason(rule: RuleSpec) -> str:
    """ "First response target breached (P1, first response at breach: L3 Support
    manager)." in the active language."""
    values = {
        "rule": rule_description(
            priority=rule.priority,
            metric=rule.metric,
            threshold=rule.threshold,
            amount=rule.amount,
            level_name=rule.level_name,
        )
    }
    if rule.at_or_after_breach:
        if rule.metric == FIRST_RESPONSE:
            return gettext("First response target breached (%(rule)s).") % values
        return gettext("Resolution target breached (%(rule)s).") % values
    if rule.metric == FIRST_RESPONSE:
        return gettext("First response target at risk (%(rule)s).") % values
    return gettext("Resolution target at risk (%(rule)s).") % values


def on_call_reason(names: list[str]) -> str:
    """ "P1 outside business hours: on-call paged (Ana Gómez)." in the active language."""
    return gettext("P1 outside business hours: on-call paged (%(names)s).") % {
        "names": ", ".join(names) or gettext("nobody on the rota")
    }


def on_call_level_name() -> str:
    return gettext("On call")


def on_call_engineer() -> str:
    return gettext("the on-call engineer")


def in_tenant_language(tenant, function, *args):
    """``function(*args)`` written in the help desk's language, for what is stored."""
    with translation.override(person_language(None, tenant)):
        return function(*args)


lazy_reason = lazy(rule_reason, str)
lazy_on_call_reason = lazy(on_call_reason, str)
