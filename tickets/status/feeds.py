"""The status page's Atom feed: incidents and maintenance with their latest update."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .selectors import feed_incidents, viewer_is_staff


class StatusFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return request.tenant

    def title(self, tenant):
        return _("%(name)s status") % {"name": tenant.name}

    def subtitle(self, tenant):
        return _("Incidents and maintenance of %(name)s") % {"name": tenant.name}

    def link(self, tenant):
        return reverse("status:page")

    def feed_url(self, tenant):
        return reverse("status:feed")

    def items(self, tenant):
        return feed_incidents(tenant, staff=viewer_is_staff(self.request.user, tenant))

    def item_title(self, incident):
        latest = next(iter(incident.updates.all()), None)
        status = latest.get_status_display() if latest else incident.get_status_display()
        return f"{status}: {incident.title}"

    def item_description(self, incident):
        latest = next(iter(incident.updates.all()), None)
        return latest.body_html if latest else ""

    def item_link(self, incident):
        return reverse("status:incident", args=[incident.pk])

    def item_pubdate(self, incident):
        return incident.published_at

    def item_updateddate(self, incident):
        latest = next(iter(incident.updates.all()), None)
        return latest.created_at if latest else incident.updated_at
