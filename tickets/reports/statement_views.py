from django.http import Http404


def _not_yet(request, *args, **kwargs):
    raise Http404("Not found.")


sla_statement = sla_statement_csv = _not_yet
