"""Database helpers shared by the apps."""

from django.db import connection, transaction


def update_rows(objects: list, field_names) -> None:
    """Write ``field_names`` of each object to its row: one parameterized UPDATE per row,
    sent as a batch (psycopg pipelines it).

    Django's ``bulk_update`` builds one CASE expression per column and row, which costs
    seconds of Python per thousand rows; this costs milliseconds.
    """
    if not objects:
        return
    meta = objects[0]._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
        + [obj.pk]
        for obj in objects
    ]
    # All rows or none; inside the caller's transaction, no savepoint of its own.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# Integers standing for a query's values while it is compiled: within the range of every
# integer column (a small integer's too), so the ORM keeps them as parameters.
_PLACEHOLDER_BASE = -30_000


class CompiledQuery:
    """A queryset of one model compiled to SQL once per process, then run with other
    values: what the ORM spends building and compiling the SQL of a small query (about as
    long as PostgreSQL takes to run it) is spent once.

    ``build(**names)`` makes the queryset from placeholders (one integer per name, e.g. a
    ticket's id); calling the compiled query with the real values runs its SQL with them and
    gives the model's instances, their fields converted as the ORM converts them. Only for
    querysets of one table (no ``select_related``) whose SQL does not depend on the values;
    a placeholder the SQL does not carry exactly once fails at the first call.
    """

    def __init__(self, build, *names: str):
        self.build = build
        self.names = names
        self._compiled: dict[str, tuple] = {}

    def _compile(self, alias: str) -> tuple:
        placeholders = {name: _PLACEHOLDER_BASE - i for i, name in enumerate(self.names)}
        queryset = self.build(**placeholders).using(alias)
        sql, params = queryset.query.get_compiler(alias).as_sql()
        by_value = {value: name for name, value in placeholders.items()}
        slots = {
            i: by_value[param]
            for i, param in enumerate(params)
            if type(param) is int and param in by_value
        }
        if sorted(slots.values()) != sorted(self.names):
            raise ValueError(f"The SQL does not carry each of {self.names} once: {sql}")
        compiled = (queryset.model, sql, tuple(params), slots)
        self._compiled[alias] = compiled
        return compiled

    def __call__(self, *, using: str = "default", **values) -> list:
        compiled = self._compiled.get(using) or self._compile(using)
        model, sql, params, slots = compiled
        filled = [values[slots[i]] if i in slots else param for i, param in enumerate(params)]
        return list(model.objects.raw(sql, filled).using(using))
