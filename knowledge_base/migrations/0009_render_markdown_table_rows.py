from django.db import migrations

from helpdesk.markdown import rerender_operation


class Migration(migrations.Migration):
    # Tables are stored without line breaks between their tags (renderer version 2).
    atomic = False

    dependencies = [
        ("knowledge_base", "0008_render_stored_markdown_html"),
    ]

    operations = [
        rerender_operation("knowledge_base.Article"),
    ]
