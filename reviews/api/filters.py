"""Query filters of the records API."""
from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from ..models import Document, DocumentKind
from ..selectors.exports import approved_between

MAX_ID = 2**63 - 1  # the largest bigint; beyond it a database refuses the number itself


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """A whole-number id; anything else, or out of range, is a 400 rather than a database error."""

    field_class = forms.IntegerField


class RecordFilter(django_filters.FilterSet):
    approved_after = django_filters.DateFilter(method="filter_after", label="Approved on or after this day (YYYY-MM-DD)")
    approved_before = django_filters.DateFilter(method="filter_before", label="Approved on or before this day (YYYY-MM-DD)")
    batch = IdFilter(field_name="batch_id", label="Batch id", min_value=1, max_value=MAX_ID)
    kind = django_filters.ChoiceFilter(choices=[c for c in DocumentKind.choices if c[0] != DocumentKind.UNKNOWN])

    class Meta:
        model = Document
        fields = ["approved_after", "approved_before", "batch", "kind"]

    def filter_after(self, queryset, name, value):
        return approved_between(queryset, after=value)

    def filter_before(self, queryset, name, value):
        return approved_between(queryset, before=value)
