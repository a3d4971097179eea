"""What engineers and customers read on badges and promises."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from sla.engine import MetricStatus

DUE = datetime(2026, 2, 9, 17, 0, tzinfo=UTC)


def status(state, remaining=None, fraction=None, clock="business", metric="first_response"):
    return MetricStatus(
        metric=metric,
        target_label="4 business hours",
        due_at=DUE if state in ("running", "breached") else None,
        state=state,
        ended_at=DUE if state == "breached" else None,
        elapsed_fraction=fraction,
        remaining_seconds=remaining,
        explanation=("Due Mon 9 Feb 2026, 09:00 PST.",),
        clock=clock,
    )


def render(template, **context):
    return Template("{% load sla_tags %}" + template).render(Context(context)).strip()


@pytest.mark.parametrize(
    "item,text,css",
    [
        (status("running", 6000, 0.3), "1 h 40 m business time left", "sla-running"),
        (status("running", 1800, 0.8), "30 m business time left", "sla-at-risk"),
        (status("running", 2400, 0.3, clock="24x7"), "40 m left", "sla-running"),
        (status("paused", 3600, 0.5), "paused", "sla-paused"),
        (status("breached", -1200, 1.2), "breached 20 m ago", "sla-breached"),
        (status("breached", -10, 1.0), "breached just now", "sla-breached"),
        (status("met", 100, 0.9), "met", "badge-ok"),
        (status("none"), "no target", "sla-none"),
    ],
)
def test_badge(item, text, css):
    html = render("{% sla_badge s 'First response' %}", s=item)
    assert f">{text}</span>" in html
    assert css in html
    assert '<span class="sr-only">First response: </span>' in html


def test_badge_title_shows_the_due_time_in_the_viewers_zone():
    with timezone.override("America/Los_Angeles"):
        html = render("{% sla_badge s %}", s=status("running", 6000, 0.3))
    assert "due Mon 9 Feb 2026, 09:00 PST" in html


def test_customer_promises():
    with timezone.override("America/Bogota"):
        respond = render("{% sla_promise s %}", s=status("running", 6000, 0.3))
        resolve = render("{% sla_promise s %}", s=status("running", 6000, 0.3, metric="resolution"))
        nothing = render("{% sla_promise s %}", s=status("none"))
    assert "We will respond by" in respond and "Mon 9 Feb 2026, 12:00" in respond
    assert "Target resolution by" in resolve
    assert nothing == ""


def test_explanation_disclosure():
    html = render("{% sla_explanation s %}", s={"first_response": status("running", 1, 0.1)})
    assert "<summary>How was this computed?</summary>" in html
    assert "<li>Due Mon 9 Feb 2026, 09:00 PST.</li>" in html


def test_duration_filter():
    assert render("{{ n|sla_duration }}", n=6000) == "1 h 40 m"
