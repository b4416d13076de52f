"""A JSON object's `contains` lookup that works on SQLite too (the demo's database).

PostgreSQL answers `field__contains={...}` with its `@>` operator; SQLite's JSON1 has no
containment, so Django refuses the lookup there. An object of plain values (strings, numbers,
booleans) is contained exactly when each of its keys holds that value, which SQLite can say:
there the lookup becomes one key equality per key. Anything else is still refused on SQLite.
"""

from django.db.models.fields.json import DataContains, KeyTransform
from django.db.models.sql.where import AND, WhereNode

PLAIN = (str, int, float, bool)


class PortableDataContains(DataContains):
    def as_sql(self, compiler, connection):
        if connection.features.supports_json_field_contains or not self._plain_object():
            return super().as_sql(compiler, connection)
        keys = [
            KeyTransform(key, self.lhs).get_lookup("exact")(KeyTransform(key, self.lhs), value)
            for key, value in self.rhs.items()
        ]
        return compiler.compile(WhereNode(keys, connector=AND))

    def _plain_object(self) -> bool:
        rhs = self.rhs
        return (
            isinstance(rhs, dict) and bool(rhs) and all(isinstance(v, PLAIN) for v in rhs.values())
        )
