"""Knowledge base search benchmark: 10,000 articles in one tenant, search latency per viewer.

Seeds a tenant ``kb-bench`` (once; reused on later runs) with help-centre articles: each about
one help-desk subject plus two topic words, Markdown bodies of 150–600 words drawn from real
technical English with its natural word frequencies (the words of Django's docstrings),
categories, tags, and a mix of public, signed-in, staff-only and plan-limited articles. Then
times what readers do: a search (count, a page of ranked matches, highlighted snippets), the
new-ticket suggestions, and the whole search page through Django's middleware and templates.
Queries range from targeted (a subject, a topic word, a prefix) to broad (very common words).
Prints p50/p95/max per operation and viewer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk_kb .venv/bin/python bench/kb_bench.py

Options: ``--articles N`` (default 10000), ``--rounds R`` (default 5), ``--reseed`` (start
over), ``--drop`` (delete the bench tenant and exit), ``--explain`` (print one search's plan).
"""

import argparse
import collections
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._django import setup

setup()

import django  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Domain, Organization, Role, Tenant, User  # noqa: E402
from helpdesk.markdown import RENDERER_VERSION, render_markdown  # noqa: E402
from knowledge_base import search  # noqa: E402
from knowledge_base.models import Article, ArticleViews, Category, Tag  # noqa: E402
from knowledge_base.selectors import (  # noqa: E402
    Viewer,
    article_languages,
    viewer_for,
    visible_articles,
)
from knowledge_base.services import markdown_plain_text  # noqa: E402
from sla.models import SupportPlan  # noqa: E402

SLUG = "kb-bench"
HOST = "kb-bench.localhost"

# What help-centre articles are about; each is the topic of about 2 % of the articles.
SUBJECTS = [
    "password", "two-factor authentication", "single sign-on", "VPN tunnel", "firewall rule",
    "load balancer", "DNS record", "TLS certificate", "S3 bucket", "object storage",
    "virtual machine", "autoscaling group", "Kubernetes cluster", "container registry",
    "database backup", "read replica", "query performance", "data pipeline", "dashboard",
    "report export", "API key", "webhook", "rate limit", "billing invoice", "support plan",
    "ticket priority", "status page", "maintenance window", "audit log", "user role",
    "call tracking number", "CRM integration", "campaign attribution", "call recording",
    "machine learning model", "inference endpoint", "training job", "feature store",
    "network latency", "packet loss", "storage quota", "snapshot", "disaster recovery",
    "encryption key", "access policy", "service account", "email notifications", "SLA",
]  # fmt: skip
ACTIONS = [
    "How to configure", "Troubleshooting", "Resetting", "Rotating", "Monitoring",
    "Migrating", "Setting up", "Understanding", "Fixing errors with", "Best practices for",
    "Requesting changes to", "Scaling", "Securing", "Auditing", "Restoring",
]  # fmt: skip


def vocabulary() -> tuple[list[str], list[int]]:
    """Real technical English with its natural (Zipf-like) frequencies: the words of
    Django's docstrings. Deterministic for a given Django version."""
    counts: collections.Counter = collections.Counter()
    root = Path(django.__file__).parent
    for path in sorted(root.rglob("*.py")):
        if "locale" in path.parts or "migrations" in path.parts:
            continue
        for doc in re.findall(r'"""(.*?)"""', path.read_text(errors="ignore"), re.S):
            counts.update(word.lower() for word in re.findall(r"\b[A-Za-z]{3,14}\b", doc))
    ranked = counts.most_common()
    return [word for word, _ in ranked], [n for _, n in ranked]


WORDS, WEIGHTS = vocabulary()
# Words neither very common nor very rare: what article topics and targeted queries use.
TOPIC_WORDS = WORDS[150:2500]


def sentence(rng: random.Random, low: int, high: int, topic: list[str]) -> str:
    words = rng.choices(WORDS, weights=WEIGHTS, k=rng.randint(low, high))
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), rng.choice(topic))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def summary(rng: random.Random, topic: list[str]) -> str:
    """One or two sentences about the article's own topic, as editors write them: topic
    words and specific vocabulary rather than the most common words."""
    words = rng.sample(TOPIC_WORDS, k=rng.randint(6, 12)) + topic
    rng.shuffle(words)
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def markdown_body(rng: random.Random, subject: str, topic: list[str]) -> str:
    parts = [" ".join(sentence(rng, 8, 18, topic) for _ in range(rng.randint(2, 4)))]
    for _ in range(rng.randint(2, 5)):
        parts.append(f"## {rng.choice(ACTIONS)} {rng.choice(topic)}")
        if rng.random() < 0.5:
            parts.append(
                "\n".join(
                    f"{n}. {sentence(rng, 5, 12, topic)}" for n in range(1, rng.randint(3, 6))
                )
            )
        parts.append(" ".join(sentence(rng, 8, 20, topic) for _ in range(rng.randint(2, 6))))
        if rng.random() < 0.2:
            parts.append(f"```\n$ helpdesk-cli {subject.split()[0].lower()} --check\n```")
    parts.append(f"Still stuck with the {subject}? Open a ticket and attach the logs.")
    return "\n\n".join(parts)


@transaction.atomic
def seed(count: int) -> Tenant:
    rng = random.Random(20261123)
    tenant, _ = Tenant.objects.update_or_create(
        slug=SLUG,
        defaults={
            "name": "KB Bench",
            "portal_title": "KB Bench Support",
            "ticket_prefix": "KBB",
            "logo_text": "KB",
            "support_email": "support@kb-bench.example",
        },
    )
    Domain.objects.get_or_create(domain=HOST, defaults={"tenant": tenant, "is_primary": True})
    plans = [
        SupportPlan.objects.get_or_create(tenant=tenant, slug=slug, defaults={"name": name})[0]
        for slug, name in (("basic", "Basic"), ("business", "Business"), ("enterprise", "Ent"))
    ]
    org, _ = Organization.objects.get_or_create(
        tenant=tenant, slug="bench-org", defaults={"name": "Bench Org", "plan": plans[1]}
    )
    User.objects.get_or_create(
        email="customer@kb-bench.example",
        defaults={"tenant": tenant, "organization": org, "role": Role.CUSTOMER},
    )
    User.objects.get_or_create(
        email="engineer@kb-bench.example",
        defaults={"tenant": tenant, "role": Role.ENGINEER, "tier": "L1"},
    )
    articles = Article.objects.for_tenant(tenant)
    if articles.count() == count:
        return tenant
    articles.delete()
    Category.objects.for_tenant(tenant).filter(parent__isnull=False).delete()
    Category.objects.for_tenant(tenant).delete()
    Tag.objects.for_tenant(tenant).delete()

    tops = [
        Category.objects.create(tenant=tenant, name=f"Area {n}", slug=f"area-{n}", position=n)
        for n in range(8)
    ]
    categories = tops + [
        Category.objects.create(
            tenant=tenant, name=f"Topic {n}", slug=f"topic-{n}", parent=tops[n % 8], position=n
        )
        for n in range(24)
    ]
    tags = [
        Tag.objects.create(tenant=tenant, name=s, slug=f"tag-{n}") for n, s in enumerate(SUBJECTS)
    ]
    print(f"Seeding {count} articles…", flush=True)
    batch, through_tags, through_plans, views = [], [], [], []
    today = timezone.now().date()
    started = time.perf_counter()
    for n in range(count):
        subject = rng.choice(SUBJECTS)
        topic = [subject, *rng.sample(TOPIC_WORDS, k=2)]
        title = f"{rng.choice(ACTIONS)} {subject}: {topic[1]} and {topic[2]}"
        body = markdown_body(rng, subject, topic)
        roll = rng.random()
        visibility = "public" if roll < 0.6 else "customers" if roll < 0.9 else "staff"
        article_tags = rng.sample(tags, k=rng.randint(1, 3))
        batch.append(
            Article(
                tenant=tenant,
                title=title,
                slug=f"article-{n}",
                summary=summary(rng, topic),
                body=body,
                body_text=markdown_plain_text(body),
                body_html=render_markdown(body),
                markdown_version=RENDERER_VERSION,
                tags_text=" ".join(t.name for t in article_tags),
                category=rng.choice(categories),
                visibility=visibility,
                status="published" if rng.random() < 0.95 else "draft",
            )
        )
        if len(batch) == 1000 or n == count - 1:
            created = Article.objects.bulk_create(batch)
            for article in created:
                for tag in rng.sample(tags, k=rng.randint(1, 3)):
                    through_tags.append(Article.tags.through(article_id=article.pk, tag_id=tag.pk))
                if rng.random() < 0.4:
                    views.append(
                        ArticleViews(
                            tenant=tenant,
                            article=article,
                            day=today - timedelta(days=rng.randrange(60)),
                            count=int(rng.paretovariate(1.2) * 5),
                        )
                    )
                if article.visibility == "customers" and rng.random() < 0.3:
                    through_plans.append(
                        Article.plans.through(
                            article_id=article.pk, supportplan_id=rng.choice(plans).pk
                        )
                    )
            batch = []
            print(f"  {n + 1} articles ({time.perf_counter() - started:.0f} s)", flush=True)
    Article.tags.through.objects.bulk_create(through_tags)
    Article.plans.through.objects.bulk_create(through_plans)
    ArticleViews.objects.bulk_create(views, ignore_conflicts=True)
    return tenant


QUERIES = [
    "password", "reset password", "passw", "two-factor", "vpn", "vpn tunnel drops",
    "firewall rule", "load balancer timeout", "dns", "certificate expired", "s3 bucket access",
    "bucket", "virtual machine resize", "autoscaling", "kubernetes", "kube", "database backup",
    "restore snapshot", "slow query performance", "pipeline failure", "dashboard export",
    "api key rotate", "webhook", "rate limit exceeded", "invoice", "billing", "support plan",
    "priority p1", "status page", "maintenance window", "audit log", "user role permission",
    "call tracking", "crm integration not syncing", "campaign attribution wrong",
    "call recording missing", "machine learning model", "inference endpoint latency",
    "training job", "network latency packet loss", "storage quota", "disaster recovery plan",
    "encryption key", "service account token", "email notifications", "sla response time",
    "cannot sign in to the portal", "error when exporting report", "how do i configure sso",
    "monitoring alerts for cluster capacity",
]  # fmt: skip


def queries() -> list[str]:
    """The fixed help-desk queries plus words of the articles' own vocabulary: targeted
    ones (a topic word or two, a prefix) and broad ones (very common words)."""
    rng = random.Random(7)
    generated = [rng.choice(TOPIC_WORDS) for _ in range(10)]
    generated += [" ".join(rng.sample(TOPIC_WORDS, k=2)) for _ in range(10)]
    generated += [rng.choice(TOPIC_WORDS)[:4] for _ in range(5)]
    generated += [" ".join(rng.sample(WORDS[8:60], k=2)) for _ in range(5)]
    return QUERIES + generated


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def run(tenant: Tenant, rounds: int) -> list[tuple]:
    customer = User.objects.get(email="customer@kb-bench.example")
    engineer = User.objects.get(email="engineer@kb-bench.example")
    viewers = {
        "anonymous": Viewer(tenant=tenant),
        "customer": viewer_for(tenant=tenant, user=customer),
        "staff": viewer_for(tenant=tenant, user=engineer),
    }
    texts = queries()
    languages = article_languages(tenant=tenant)
    rows = []
    for name, viewer in viewers.items():
        page_times, suggest_times, totals = [], [], []
        for _ in range(rounds):
            for text in texts:
                articles = visible_articles(viewer)
                started = time.perf_counter()
                page = search.search_articles(articles, text, languages=languages)
                page_times.append(since(started))
                totals.append(page.total)
                started = time.perf_counter()
                search.top_matches(articles, text, limit=5, languages=languages)
                suggest_times.append(since(started))
        rows.append(("search (count, 10 ranked, snippets)", name, page_times, totals))
        rows.append(("suggestions (top 5 + snippets)", name, suggest_times, totals))
    client = Client(HTTP_HOST=HOST)
    client.force_login(customer, backend="accounts.backends.TenantAuthenticationBackend")
    http_times = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            response = client.get("/kb/search/", {"q": text})
            http_times.append(since(started))
            assert response.status_code == 200
    rows.append(("GET /kb/search/ (whole page)", "customer", http_times, []))
    return rows


@transaction.atomic
def drop() -> None:
    tenant = Tenant.objects.filter(slug=SLUG).first()
    if tenant is None:
        return
    # People and organizations protect their plans and tenant from deletion; go in order.
    User.objects.for_tenant(tenant).delete()
    Organization.objects.for_tenant(tenant).delete()
    tenant.delete()


def explain(tenant: Tenant) -> None:
    articles = visible_articles(Viewer(tenant=tenant))
    backend = search._PostgresSearch(articles, search.query_words("reset password"), "&")
    print(backend.matches.explain(analyze=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reseed", action="store_true", help="delete and seed again")
    parser.add_argument("--drop", action="store_true")
    parser.add_argument("--explain", action="store_true")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: DATABASE_URL=postgres://… (SQLite has no text index).")
    call_command("migrate", verbosity=0)
    if options.drop or options.reseed:
        drop()
        print("Bench tenant deleted.")
        if options.drop:
            return
    tenant = seed(options.articles)
    with connection.cursor() as cursor:
        # What autovacuum does shortly after a bulk load: clear the GIN pending list, refresh
        # the planner's statistics.
        cursor.execute("VACUUM ANALYZE knowledge_base_article")
        cursor.execute("VACUUM ANALYZE knowledge_base_articleviews")
        cursor.execute(
            "SELECT pg_size_pretty(pg_relation_size('knowledge_base_article')),"
            " pg_size_pretty(pg_relation_size('kb_article_search')), version()"
        )
        table_size, index_size, version = cursor.fetchone()
    if options.explain:
        explain(tenant)
    # Warm the caches and connections like a running server would be.
    run(tenant, 1)
    rows = run(tenant, options.rounds)
    published = Article.objects.for_tenant(tenant).filter(status="published").count()
    print()
    print(f"{version.split(',')[0]} · {options.articles} articles ({published} published)")
    print(f"table {table_size}, GIN index {index_size}; ", end="")
    print(f"{len(queries())} queries × {options.rounds} rounds")
    print()
    header = (
        f"{'operation':<40} {'viewer':<10} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'max ms':>8} {'avg hits':>9}"
    )
    print(header)
    print("-" * len(header))
    for label, viewer, times, totals in rows:
        hits = f"{statistics.mean(totals):9.0f}" if totals else f"{'':>9}"
        print(
            f"{label:<40} {viewer:<10} {len(times):>5} {percentile(times, 0.5):>8.1f} "
            f"{percentile(times, 0.95):>8.1f} {max(times):>8.1f} {hits}"
        )


if __name__ == "__main__":
    main()
