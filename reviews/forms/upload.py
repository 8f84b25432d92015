"""The batch upload form (upload page and admin): an organisation, a name, many files."""
from __future__ import annotations

from django import forms
from django.conf import settings

from ..models import Organization


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes any number of files; the form gets a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, (list, tuple)) else [data]
        files = [single(item, initial) for item in items if item]
        if self.required and not files:
            raise forms.ValidationError("Choose at least one file.", code="required")
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        if len(files) > limit:
            raise forms.ValidationError(f"At most {limit} files at once; put the rest in a zip archive or a second upload.")
        return files


FILES_HELP = "PDF, PNG, JPEG or TIFF files, or zip archives of them. Up to {mb} MB per file."


class BatchUploadForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.order_by("name"), empty_label=None)
    name = forms.CharField(max_length=200, required=False, help_text="Leave empty to name it after the upload time.")
    files = MultipleFileField(
        required=True, widget=MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff,.zip"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = FILES_HELP.format(mb=settings.MAX_UPLOAD_MB)
