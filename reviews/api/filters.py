"""Query filters of the records API."""
from __future__ import annotations

import django_filters

from ..models import Document, DocumentKind
from ..selectors.exports import approved_between


class RecordFilter(django_filters.FilterSet):
    approved_after = django_filters.DateFilter(method="filter_after", label="Approved on or after this day (YYYY-MM-DD)")
    approved_before = django_filters.DateFilter(method="filter_before", label="Approved on or before this day (YYYY-MM-DD)")
    batch = django_filters.NumberFilter(field_name="batch_id", label="Batch id")
    kind = django_filters.ChoiceFilter(choices=[c for c in DocumentKind.choices if c[0] != DocumentKind.UNKNOWN])

    class Meta:
        model = Document
        fields = ["approved_after", "approved_before", "batch", "kind"]

    def filter_after(self, queryset, name, value):
        return approved_between(queryset, after=value)

    def filter_before(self, queryset, name, value):
        return approved_between(queryset, before=value)
