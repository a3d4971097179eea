import factory
from django.utils import timezone

from helpdesk.markdown import RENDERER_VERSION, render_markdown
from knowledge_base.models import Article, ArticleStatus, Category, Visibility
from knowledge_base.services import markdown_plain_text
from tests.factories import TenantFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published public article; the plain text search reads is derived like the
    services derive it."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    tenant = factory.SubFactory(TenantFactory)
    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = ""
    body = "Some helpful text."
    body_text = factory.LazyAttribute(lambda o: markdown_plain_text(o.body))
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    markdown_version = RENDERER_VERSION
    visibility = Visibility.PUBLIC
    status = ArticleStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def plans(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.plans.set(extracted)

    @factory.post_generation
    def related(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.related.set(extracted)
