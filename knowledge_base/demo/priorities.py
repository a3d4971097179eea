"""The priorities table of the demo help centres, written from the same source the new-ticket
form shows: the platform's priority names (``helpdesk.priorities``, read in the article's
language) and the tenant's own definitions (``tickets.demo.DEFINITIONS``, seeded as its
priority definitions). An article and the form can then never disagree on what "P3" is
called or means.

IVCISA's definitions are written in Spanish, its customers' language; the English version
of its priorities article reads them from ``ENGLISH_DEFINITIONS`` below, which says the same.
"""

from django.utils import translation

from helpdesk.priorities import Priority
from tickets.demo.catalogue import DEFINITIONS

# The English wording of IVCISA's (Spanish) priority definitions, for its English article.
ENGLISH_DEFINITIONS = {
    "ivcisa": {
        Priority.P1: (
            "Total interruption",
            "Only for a total interruption or complete shutdown of critical business services, "
            "massively impacting operations and needing emergency intervention. Covered "
            "24/7/365 by on-call engineers.",
        ),
        Priority.P2: (
            "Partial degradation",
            "A critical service is degraded or a major function fails, with a workaround or "
            "limited impact. Partial degradations are P2 or P3, not P1.",
        ),
        Priority.P3: (
            "Limited impact",
            "A non-critical function fails or a minor degradation affects some users.",
        ),
        Priority.P4: (
            "Question or planned request",
            "Configuration questions, documentation, standard procedures and planned changes. "
            "The knowledge base often answers these at once.",
        ),
    },
}

HEADINGS = {
    "en": ("Priority", "Examples"),
    "es": ("Prioridad", "Ejemplos"),
}


def priority_table(
    slug: str, examples: dict[str, str], *, meaning: str = "Meaning", language: str = "en"
) -> str:
    """A Markdown table: each priority's name and the tenant's definition in ``language``
    ("en" or "es"), and ``examples``."""
    definitions = DEFINITIONS[slug]
    if language == "en":
        definitions = ENGLISH_DEFINITIONS.get(slug, definitions)
    priority_heading, examples_heading = HEADINGS[language]
    rows = [f"| {priority_heading} | {meaning} | {examples_heading} |", "|---|---|---|"]
    with translation.override(language):
        for priority in Priority:
            summary, description = definitions[priority]
            rows.append(
                f"| **{priority.label}** | **{summary}.** {description} | {examples[priority]} |"
            )
    return "\n".join(rows) + "\n"
