"""The priorities table of the demo help centres, written from the same source the new-ticket
form shows: the platform's priority names (``helpdesk.priorities``) and the tenant's own
definitions (``tickets.demo.DEFINITIONS``, seeded as its priority definitions). An article
and the form can then never disagree on what "P3" is called or means."""

from helpdesk.priorities import Priority
from tickets.demo.catalogue import DEFINITIONS


def priority_table(slug: str, examples: dict[str, str], *, meaning: str = "Meaning") -> str:
    """A Markdown table: each priority's name, the tenant's definition and ``examples``."""
    rows = [f"| Priority | {meaning} | Examples |", "|---|---|---|"]
    for priority in Priority:
        summary, description = DEFINITIONS[slug][priority]
        rows.append(
            f"| **{priority.label}** | **{summary}.** {description} | {examples[priority]} |"
        )
    return "\n".join(rows) + "\n"
