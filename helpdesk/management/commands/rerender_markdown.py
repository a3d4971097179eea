"""Render again the stored HTML of every Markdown text written by an older renderer."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.markdown import MARKDOWN_FIELDS, RENDERER_NAME, RENDERER_VERSION, rerender_stale


class Command(BaseCommand):
    help = _(
        "Render ticket descriptions, replies, notes and articles again where their stored "
        "HTML comes from another renderer version. Batched and safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        for label, fields in MARKDOWN_FIELDS.items():
            count = rerender_stale(apps.get_model(label), fields, batch_size=batch_size)
            self.stdout.write(
                gettext("%(model)s: %(count)d rendered again") % {"model": label, "count": count}
            )
        self.stdout.write(
            gettext("Stored HTML is now from %(renderer)s version %(version)s.")
            % {"renderer": RENDERER_NAME, "version": RENDERER_VERSION}
        )
