"""The metrics and states of an SLA clock (names only, no logic)."""

from .words import gettext_noop

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
METRICS = (FIRST_RESPONSE, RESOLUTION)
# English; shown through :func:`metric_label` (the active language).
METRIC_LABELS = {
    FIRST_RESPONSE: gettext_noop("First response"),
    RESOLUTION: gettext_noop("Resolution"),
}

RUNNING = "running"
PAUSED = "paused"
MET = "met"
BREACHED = "breached"
NONE = "none"
FINAL_STATES = (MET, BREACHED)

AT_RISK_FRACTION = 0.75
NO_TARGET_LABEL = gettext_noop("No target")
