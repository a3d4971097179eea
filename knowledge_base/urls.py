from django.urls import path

from .views import manage, portal

app_name = "kb"

urlpatterns = [
    path("", portal.home, name="home"),
    path("search/", portal.search_view, name="search"),
    path("suggest/", portal.suggest, name="suggest"),
    path("categories/<slug:slug>/", portal.category, name="category"),
    path("tags/<slug:slug>/", portal.tag, name="tag"),
    path("articles/<slug:slug>/", portal.article, name="article"),
    path("articles/<slug:slug>/feedback/", portal.feedback, name="feedback"),
    path("articles/<slug:slug>/solved/", portal.deflect, name="deflect"),
    path("manage/", manage.manage, name="manage"),
    path("manage/new/", manage.article_new, name="article_new"),
    path("manage/preview/", manage.preview, name="preview"),
    path("manage/picker/", manage.picker, name="picker"),
    path("manage/analytics/", manage.analytics, name="analytics"),
    path("manage/articles/<slug:slug>/", manage.article_edit, name="article_edit"),
    path("manage/articles/<slug:slug>/status/", manage.article_status, name="article_status"),
]
