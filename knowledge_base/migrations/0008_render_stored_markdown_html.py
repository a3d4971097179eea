from django.db import migrations

from helpdesk.markdown import rerender_operation


class Migration(migrations.Migration):
    # Stored HTML for the articles written before it was kept.
    atomic = False

    dependencies = [
        ("knowledge_base", "0007_article_stored_markdown_html"),
    ]

    operations = [
        rerender_operation("knowledge_base.Article"),
    ]
