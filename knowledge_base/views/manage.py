"""For the help desk's staff: writing articles, the link picker and the analytics page."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk.forms import form_errors_from
from helpdesk.links import absolute_url, tenant_base_url
from helpdesk.markdown import article_max_length, render_markdown

from .. import search, selectors, services
from ..forms import ArticleForm
from ..models import ArticleStatus
from .common import kb_staff, kb_tenant_admin, paginate

PICKER_RESULTS = 8
MANAGE_PER_PAGE = 30


@require_GET
@kb_staff
def manage(request):
    status = request.GET.get("status", "")
    if status not in ArticleStatus.values:
        status = ""
    query = request.GET.get("q", "").strip()[:100]
    page = paginate(
        request,
        selectors.articles_for_staff(tenant=request.tenant, status=status, query=query),
        MANAGE_PER_PAGE,
    )
    totals = selectors.view_totals(tenant=request.tenant, articles=page.object_list)
    for article in page.object_list:
        article.total_views = totals.get(article.pk, 0)
    context = {
        "page": page,
        "status": status,
        "query": query,
        "statuses": ArticleStatus.choices,
        "filter_query": urlencode({k: v for k, v in (("q", query), ("status", status)) if v}),
    }
    return render(request, "knowledge_base/article_manage.html", context)


def _form_values(form) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "body": data["body"],
        "summary": data["summary"],
        "slug": data["slug"],
        "category": data["category"],
        "tag_names": data["tags"],
        "visibility": data["visibility"],
        "plans": data["plans"],
        "language": data["language"],
        "related": data["related"],
        "translation": data["translation"],
    }


@kb_staff
def article_new(request):
    plans = selectors.plans_for_tenant(tenant=request.tenant)
    form = ArticleForm(request.POST or None, tenant=request.tenant, plans=plans)
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") == "publish"
        try:
            article = services.article_create(
                tenant=request.tenant,
                actor=request.user,
                status=ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT,
                **_form_values(form),
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, _("The article was published.") if publish else _("The draft was saved.")
            )
            return redirect(article)
    return render(request, "knowledge_base/article_form.html", {"form": form, "article": None})


@kb_staff
def article_edit(request, slug: str):
    article = selectors.article_for_editor(tenant=request.tenant, actor=request.user, slug=slug)
    plans = selectors.plans_for_tenant(tenant=request.tenant)
    if request.method == "POST":
        form = ArticleForm(request.POST, tenant=request.tenant, plans=plans, article=article)
    else:
        form = ArticleForm(
            initial=ArticleForm.initial_for(article),
            tenant=request.tenant,
            plans=plans,
            article=article,
        )
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            services.article_update(article=article, actor=request.user, **_form_values(form))
            if action == "publish":
                services.article_transition(
                    article=article, actor=request.user, status=ArticleStatus.PUBLISHED
                )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request, _("The article was published.") if action == "publish" else _("Saved.")
            )
            return redirect(article)
    context = {
        "form": form,
        "article": article,
        "history": selectors.article_history(article=article),
    }
    return render(request, "knowledge_base/article_form.html", context)


@require_POST
@kb_staff
def article_status(request, slug: str):
    article = selectors.article_for_editor(tenant=request.tenant, actor=request.user, slug=slug)
    status = request.POST.get("status", "")
    try:
        article = services.article_transition(article=article, actor=request.user, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The article is now %(status)s.") % {"status": article.get_status_display().lower()},
        )
    return redirect(article)


@require_POST
@kb_staff
def preview(request):
    """The editor's Preview tab: the same sanitized rendering readers get."""
    # The editor's textarea stops at the article limit; a longer body is previewed up to it.
    body = request.POST.get("body", "")[: article_max_length()]
    if body.strip():
        html = render_markdown(body)
    else:
        html = format_html('<p class="muted">{}</p>', _("Nothing to preview."))
    return HttpResponse(html)


@require_GET
@kb_staff
def picker(request):
    """Results for the article picker beside a reply box: links staff can insert."""
    text = request.GET.get("q", "").strip()
    articles = selectors.visible_articles(request.kb_viewer)
    if text:
        languages = selectors.article_languages(tenant=request.tenant)
        hits = search.top_matches(articles, text, limit=PICKER_RESULTS, languages=languages)
        found = [hit.article for hit in hits]
    else:
        found = selectors.popular_articles(
            viewer=request.kb_viewer, limit=PICKER_RESULTS
        ) or selectors.recent_articles(viewer=request.kb_viewer, limit=PICKER_RESULTS)
    base = tenant_base_url(tenant=request.tenant)
    results = [{"article": a, "url": absolute_url(base, a.get_absolute_url())} for a in found]
    context = {"results": results, "typed": text}
    return render(request, "knowledge_base/includes/picker_results.html", context)


@require_GET
@kb_tenant_admin
def analytics(request):
    report = selectors.kb_analytics(tenant=request.tenant)
    return render(request, "knowledge_base/kb_analytics.html", {"report": report})
