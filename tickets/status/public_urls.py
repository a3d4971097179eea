from django.urls import path

from . import public_views as views

app_name = "status"

urlpatterns = [
    path("", views.status_page, name="page"),
    path("history/", views.incident_history, name="history"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path("feed/", views.feed, name="feed"),
    path("summary.json", views.summary, name="summary"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/sent/", views.subscribe_sent, name="subscribe_sent"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("resubscribe/<str:token>/", views.resubscribe, name="resubscribe"),
    path("subscription/", views.my_subscription, name="subscription"),
]
