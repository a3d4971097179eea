"""Keep the search vector inside the table row (compressed) instead of in TOAST.

Ranking reads the vector of every matching article; fetching each one from the TOAST table
made broad searches several times slower. With ``STORAGE MAIN`` the long Markdown and plain
text columns move out of line first and the vector stays in the row.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE knowledge_base_article ALTER COLUMN search_vector SET STORAGE MAIN",
    # Rewrite existing rows so their vectors move into the row (the trigger rebuilds them).
    "UPDATE knowledge_base_article SET title = title",
]
BACKWARD = ["ALTER TABLE knowledge_base_article ALTER COLUMN search_vector SET STORAGE EXTENDED"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge_base", "0003_article_search"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
