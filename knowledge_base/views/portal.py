"""The self-service portal: home, categories, tags, articles, search, votes, deflections."""

from math import ceil
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from .. import search, selectors, services
from ..forms import SearchForm
from ..models import Deflection
from .common import (
    is_htmx,
    kb_portal,
    new_ticket_url,
    page_number,
    paginate,
    reader_over_limit,
    session_key,
)

RESULTS_PER_PAGE = 10
ARTICLES_PER_PAGE = 25
SUGGESTIONS = 5
SEEN_IN_SESSION = 200


@require_GET
@kb_portal
def home(request):
    viewer = request.kb_viewer
    context = {
        "form": SearchForm(),
        "categories": selectors.category_tree(viewer=viewer),
        "popular": selectors.popular_articles(viewer=viewer),
        "recent": selectors.recent_articles(viewer=viewer),
    }
    return render(request, "knowledge_base/kb_home.html", context)


@require_GET
@kb_portal
def search_view(request):
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else request.GET.get("q", "")[:200]
    # Matches are counted up to the cap, so no page lies beyond the cap's last one.
    number = page_number(request, last=ceil(search.COUNT_CAP / RESULTS_PER_PAGE))
    articles = selectors.visible_articles(request.kb_viewer)

    def results_on(page_number: int):
        return search.search_articles(
            articles,
            text,
            offset=(page_number - 1) * RESULTS_PER_PAGE,
            limit=RESULTS_PER_PAGE,
            languages=selectors.article_languages(tenant=request.tenant),
            prefer_language=request.kb_viewer.language,
        )

    results = results_on(number)
    # A Paginator over the (capped) total gives the page links; the hits are this page's.
    page = Paginator(range(results.total), RESULTS_PER_PAGE).get_page(number)
    if page.number != number and results.total:
        # Past the last page: show the last one.
        results = results_on(page.number)
    context = {
        "form": form if form.is_bound else SearchForm(),
        "results": results,
        "page": page,
        "query_string": urlencode({"q": text}),
        "new_ticket_url": new_ticket_url() if not request.kb_viewer.is_staff else None,
    }
    return render(request, "knowledge_base/article_search.html", context)


@require_GET
@kb_portal
def category(request, slug: str):
    viewer = request.kb_viewer
    category, children = selectors.category_for_viewer(viewer=viewer, slug=slug)
    articles = paginate(
        request,
        selectors.articles_in_category(viewer=viewer, category=category),
        ARTICLES_PER_PAGE,
    )
    context = {"category": category, "children": children, "page": articles}
    return render(request, "knowledge_base/category_detail.html", context)


@require_GET
@kb_portal
def tag(request, slug: str):
    viewer = request.kb_viewer
    tag = selectors.tag_for_viewer(viewer=viewer, slug=slug)
    articles = paginate(
        request, selectors.articles_with_tag(viewer=viewer, tag=tag), ARTICLES_PER_PAGE
    )
    # A tag is a word of its articles' language (when they share one).
    locales = {article.locale for article in articles.object_list}
    context = {
        "tag": tag,
        "page": articles,
        "tag_locale": locales.pop() if len(locales) == 1 else "",
    }
    return render(request, "knowledge_base/tag_detail.html", context)


def _count_view_once(request, article) -> None:
    """A reader's reloads count once per session."""
    if not article.is_published:
        return
    seen = request.session.get("kb_seen", [])
    if article.pk in seen:
        return
    services.article_record_view(article=article)
    request.session["kb_seen"] = (seen + [article.pk])[-SEEN_IN_SESSION:]


def _feedback_context(request, article) -> dict:
    key = request.session.session_key
    return {
        "article": article,
        "feedback": selectors.feedback_summary(article=article, user=request.user, session_key=key),
        "new_ticket_url": (None if request.kb_viewer.is_staff else new_ticket_url(article)),
    }


@require_GET
@kb_portal
def article(request, slug: str):
    viewer = request.kb_viewer
    try:
        article = selectors.article_for_viewer(viewer=viewer, slug=slug)
    except Http404:
        if viewer.is_anonymous and selectors.sign_in_may_show(tenant=request.tenant, slug=slug):
            return _sign_in_prompt(request)
        raise
    _count_view_once(request, article)
    from_ticket = request.GET.get("from") == "ticket"
    context = {
        **_feedback_context(request, article),
        "related": selectors.related_articles(viewer=viewer, article=article),
        "translation": selectors.article_translation(viewer=viewer, article=article),
        "from_ticket": from_ticket,
        "typed": request.GET.get("q", "")[:255] if from_ticket else "",
        "can_edit": viewer.is_staff,
        "form": SearchForm(),
    }
    return render(request, "knowledge_base/article_detail.html", context)


def _sign_in_prompt(request):
    """A visitor opened an article for signed-in customers: offer to sign in and come back."""
    login = reverse("account_login")
    query = urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
    context = {"sign_in_url": f"{login}?{query}", "form": SearchForm()}
    # 403: the article is not shown, but unlike a 404 the page says what would open it.
    return render(request, "knowledge_base/article_sign_in.html", context, status=403)


LIMITED = gettext_lazy(
    "Too many answers came from your browser or network in the last hour, so this one was "
    "not counted. Please try again later."
)


@require_POST
@kb_portal
def feedback(request, slug: str):
    article = selectors.article_for_viewer(viewer=request.kb_viewer, slug=slug)
    answer = request.POST.get("helpful")
    limited = False
    if answer in ("yes", "no") and article.is_published:
        limited = reader_over_limit(request)
        if not limited:
            key = "" if request.user.is_authenticated else session_key(request)
            services.feedback_record(
                article=article, user=request.user, session_key=key, helpful=answer == "yes"
            )
    if is_htmx(request):
        context = {**_feedback_context(request, article), "just_voted": not limited}
        context["limited"] = limited
        return render(request, "knowledge_base/includes/article_feedback.html", context)
    if limited:
        messages.error(request, LIMITED)
    elif answer in ("yes", "no"):
        messages.success(request, _("Thank you for your feedback."))
    return redirect(article)


@require_POST
@kb_portal
def deflect(request, slug: str):
    """“This solved my problem”: count a deflection; no ticket is created."""
    article = selectors.article_for_viewer(viewer=request.kb_viewer, slug=slug)
    typed = request.POST.get("q") or request.POST.get("title") or ""
    source = (
        Deflection.Source.ARTICLE
        if request.POST.get("source") == Deflection.Source.ARTICLE
        else Deflection.Source.SUGGESTION
    )
    limited = article.is_published and reader_over_limit(request)
    if article.is_published and not limited:
        services.deflection_record(
            article=article,
            user=request.user,
            session_key=session_key(request),
            query=typed,
            source=source,
        )
    if is_htmx(request):
        context = {"article": article, "limited": limited}
        return render(request, "knowledge_base/includes/deflection_done.html", context)
    if limited:
        messages.error(request, LIMITED)
    else:
        messages.success(request, _("Glad that helped — no ticket was created."))
    return redirect(article)


@require_GET
@kb_portal
def suggest(request):
    """The panel under the new-ticket title: the best matches the viewer may read."""
    typed = (request.GET.get("title") or request.GET.get("q") or "").strip()
    hits = search.top_matches(
        selectors.visible_articles(request.kb_viewer),
        typed,
        limit=SUGGESTIONS,
        languages=selectors.article_languages(tenant=request.tenant),
        prefer_language=request.kb_viewer.language,
    )
    context = {"hits": hits, "typed": typed}
    return render(request, "knowledge_base/includes/suggestion_results.html", context)
