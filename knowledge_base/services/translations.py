"""An article and its translation: the same text in the other language, of the same help
desk; one link per pair, read in both directions."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import Article


def article_check_translation(
    *, tenant_id: int, article_pk: int | None, language: str, translation: Article | None
) -> None:
    """A translation is another article of the same help desk, in the other language."""
    if translation is None:
        return
    if translation.tenant_id != tenant_id:
        raise ValidationError({"translation": _("Choose an article of this help desk.")})
    if article_pk is not None and translation.pk == article_pk:
        raise ValidationError({"translation": _("An article cannot be its own translation.")})
    if translation.language == language:
        raise ValidationError(
            {"translation": _("The translation must be written in the other language.")}
        )


def linked_translation_pk(article: Article) -> int | None:
    """The article linked to ``article`` as its translation, in either direction."""
    return (
        Article.objects.for_tenant(article.tenant_id)
        .filter(Q(pk=article.translation_of_id) | Q(translation_of_id=article.pk))
        .exclude(pk=article.pk)
        .values_list("pk", flat=True)
        .first()
    )


def article_link_translation(*, article: Article, translation: Article | None) -> bool:
    """Make ``translation`` the one translation of ``article`` (None: it has none), replacing
    any earlier link of either article. Returns whether anything changed."""
    article_check_translation(
        tenant_id=article.tenant_id,
        article_pk=article.pk,
        language=article.language,
        translation=translation,
    )
    rows = Article.objects.for_tenant(article.tenant_id)
    wanted = translation.pk if translation is not None else None
    if linked_translation_pk(article) == wanted:
        return False
    involved = [article.pk] + ([wanted] if wanted else [])
    # Each of the two keeps only this link: earlier ones, in either direction, are undone.
    rows.filter(Q(pk__in=involved) | Q(translation_of_id__in=involved)).update(translation_of=None)
    if wanted is not None:
        rows.filter(pk=article.pk).update(translation_of=wanted)
    article.translation_of_id = wanted
    return True
