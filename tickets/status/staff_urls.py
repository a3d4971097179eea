from django.urls import path

from . import staff_link_views as link_views
from . import staff_views as views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_new, name="new"),
    path("maintenance/new/", views.maintenance_new, name="maintenance_new"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/update/", views.incident_update, name="update"),
    path("<int:pk>/edit/", views.incident_edit_view, name="edit"),
    path("<int:pk>/link/", link_views.incident_link, name="link"),
    path("<int:pk>/unlink/<int:link_pk>/", link_views.incident_unlink, name="unlink"),
    path("<int:pk>/reply/", link_views.incident_reply_linked, name="reply"),
    path("components/<int:pk>/state/", link_views.component_state, name="component_state"),
]
