"""The export form: format, organisation (admins only), batch or approval dates, only new records."""
from __future__ import annotations

from django import forms

from ..models import Batch, ExportFormat
from ..selectors.exports import RecordFilter


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=ExportFormat.choices, initial=ExportFormat.CSV, widget=forms.RadioSelect)
    organization = forms.ModelChoiceField(queryset=None, empty_label=None)
    batch = forms.ModelChoiceField(queryset=None, required=False, empty_label="All batches")
    approved_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    approved_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    only_not_exported = forms.BooleanField(required=False, label="Only records not yet exported in this format")

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["batch"].queryset = (
            Batch.objects.filter(organization__in=organizations).select_related("organization").order_by("-received_at")
        )
        self.single_organization = organizations.count() == 1
        if self.single_organization:
            self.fields["organization"].initial = organizations.first()
            self.fields["organization"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("approved_from"), cleaned.get("approved_to")
        if start and end and start > end:
            self.add_error("approved_to", "The end of the range is before its start.")
        batch, organization = cleaned.get("batch"), cleaned.get("organization")
        if batch and organization and batch.organization_id != organization.pk:
            self.add_error("batch", "This batch belongs to another organisation.")
        return cleaned

    def record_filter(self) -> RecordFilter:
        data = self.cleaned_data
        return RecordFilter(
            organization=data["organization"],
            batch_id=data["batch"].pk if data["batch"] else None,
            approved_from=data["approved_from"],
            approved_to=data["approved_to"],
            not_exported_as=data["format"] if data["only_not_exported"] else None,
        )
