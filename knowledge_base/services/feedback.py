"""What readers leave behind: article views, helpful votes and deflected tickets."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User

from ..models import Article, ArticleFeedback, ArticleViews, Deflection
from .articles import WHITESPACE


def article_record_view(*, article: Article) -> None:
    """Count one read of ``article`` today (UTC)."""
    day = timezone.now().date()
    rows = ArticleViews.objects.for_tenant(article.tenant_id).filter(article=article, day=day)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            ArticleViews.objects.create(
                tenant_id=article.tenant_id, article=article, day=day, count=1
            )
    except IntegrityError:
        # Another reader created today's row first.
        rows.update(count=F("count") + 1)


# --- readers' feedback ----------------------------------------------------------------------


@transaction.atomic
def feedback_record(
    *, article: Article, user: User | None, session_key: str, helpful: bool
) -> ArticleFeedback:
    """Record a “Was this helpful?” vote. Voting again changes the earlier vote."""
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not session_key:
        raise ValueError("An anonymous vote needs a session.")
    votes = ArticleFeedback.objects.for_tenant(article.tenant_id).filter(article=article)
    lookup = {"user": user} if signed_in else {"user__isnull": True, "session_key": session_key}
    now = timezone.now()
    vote = votes.select_for_update().filter(**lookup).first()
    if vote is None:
        try:
            with transaction.atomic():
                return ArticleFeedback.objects.create(
                    tenant_id=article.tenant_id,
                    article=article,
                    user=user if signed_in else None,
                    session_key="" if signed_in else session_key,
                    helpful=helpful,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # Two clicks raced; the other one created the vote, so update it.
            vote = votes.select_for_update().get(**lookup)
    if vote.helpful != helpful:
        vote.helpful = helpful
        vote.updated_at = now
        vote.save(update_fields=["helpful", "updated_at"])
    return vote


@transaction.atomic
def deflection_record(
    *,
    article: Article,
    user: User | None,
    session_key: str,
    query: str = "",
    source: str = Deflection.Source.SUGGESTION,
) -> tuple[Deflection, bool]:
    """Record that ``article`` answered someone's question instead of a ticket.

    Counted once per article and browser session, so a double click or a reload does not
    inflate the numbers. Returns the row and whether it is new.
    """
    if not session_key:
        raise ValueError("A deflection needs a session.")
    signed_in = user is not None and user.is_authenticated
    deflections = Deflection.objects.for_tenant(article.tenant_id)
    existing = deflections.filter(article=article, session_key=session_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            row = Deflection.objects.create(
                tenant_id=article.tenant_id,
                article=article,
                user=user if signed_in else None,
                session_key=session_key,
                query=WHITESPACE.sub(" ", query or "").strip()[:255],
                source=source,
            )
    except IntegrityError:
        return deflections.get(article=article, session_key=session_key), False
    return row, True
