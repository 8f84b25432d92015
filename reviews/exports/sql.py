"""Database expressions for reading a document's fields as one JSON object.

An export of 100 000 records reads 1.4 million field rows; decoding one JSON
object per document instead of one value per field is most of the speed of
`make bench`'s export section. PostgreSQL and SQLite, the two databases medocr
runs on, each build the object with their own JSON functions.
"""
from __future__ import annotations

from django.db.models import Aggregate, F, Func, JSONField


class ValueAndCorrected(Func):
    """[value, corrected] of one field, as JSON."""

    function = "JSONB_BUILD_ARRAY"
    output_field = JSONField()

    def __init__(self):
        super().__init__(F("value"), F("corrected"))

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps JSONField values as text: JSON() makes them JSON again, not a string.
        value_sql, value_params = compiler.compile(self.source_expressions[0])
        corrected_sql, corrected_params = compiler.compile(self.source_expressions[1])
        return f"JSON_ARRAY(JSON({value_sql}), {corrected_sql})", (*value_params, *corrected_params)


class FieldsByName(Aggregate):
    """{field name: [value, corrected]} over a document's fields."""

    function = "JSONB_OBJECT_AGG"
    output_field = JSONField()

    def __init__(self):
        super().__init__(F("name"), ValueAndCorrected())

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="JSON_GROUP_OBJECT", **extra)
