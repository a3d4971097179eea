from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404("Not found.")


sla_report = sla_report_tickets = sla_report_csv = sla_report_tickets_csv = _not_yet
