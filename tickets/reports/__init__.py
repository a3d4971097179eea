"""SLA reports and statements, counted from the stored SLA outcomes
(:mod:`tickets.models.outcomes`): managers' reports, organization admins' statements, their
CSV exports and the ticket lists behind each number."""
