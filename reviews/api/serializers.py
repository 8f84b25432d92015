"""API representations of records, exports and batches."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from ..exports.records import record_from_document
from ..models import Batch, DocumentKind, DocumentStatus, Export, ExportFormat, Organization


@extend_schema_field({"type": "object", "additionalProperties": {}, "description": "FIELDS.md name → reviewed value"})
class FieldValuesField(serializers.DictField):
    pass


class RecordSerializer(serializers.Serializer):
    """An approved document: its reviewed field values and who approved it when."""

    id = serializers.IntegerField(source="document_id")
    batch_id = serializers.IntegerField()
    batch = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    approved_by = serializers.CharField()
    approved_at = serializers.DateTimeField(allow_null=True)
    corrected_fields = serializers.ListField(child=serializers.CharField(), source="corrected")
    values = FieldValuesField()

    def to_representation(self, instance):
        return super().to_representation(record_from_document(instance))


class ExportSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.SerializerMethodField()
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = ["id", "organization", "created_at", "created_by", "format", "filters",
                  "document_count", "size", "sha256", "download_url"]
        read_only_fields = fields

    def get_created_by(self, export) -> str:
        return export.created_by.get_username()

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, export) -> str:
        return reverse("api:export-file", kwargs={"pk": export.pk}, request=self.context.get("request"))


@extend_schema_field({
    "type": "object",
    "properties": {status.value: {"type": "integer"} for status in DocumentStatus} | {"total": {"type": "integer"}},
})
class ProgressField(serializers.Field):
    def to_representation(self, batch):
        counts = {status.value: getattr(batch, f"count_{status.value}", 0) for status in DocumentStatus}
        return {"total": getattr(batch, "total", 0), **counts}


class BatchSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    progress = ProgressField(source="*", read_only=True)

    class Meta:
        model = Batch
        fields = ["id", "organization", "name", "received_at", "due_at", "intake_errors", "progress"]
        read_only_fields = ["id", "received_at", "due_at", "intake_errors", "progress"]
        extra_kwargs = {"name": {"allow_blank": False}}


class UploadedDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    original_filename = serializers.CharField()
    status = serializers.ChoiceField(choices=DocumentStatus.choices)


class IntakeErrorSerializer(serializers.Serializer):
    name = serializers.CharField()
    message = serializers.CharField()


class IntakeReportSerializer(serializers.Serializer):
    documents = UploadedDocumentSerializer(many=True, help_text="New documents, queued for processing.")
    duplicates = UploadedDocumentSerializer(many=True, help_text="Same bytes as a document already received.")
    failed = UploadedDocumentSerializer(many=True, help_text="Kept, but not a document that can be read.")
    errors = IntakeErrorSerializer(many=True, help_text="Every file that was not queued, and why.")

    def to_representation(self, report):
        data = {
            "documents": report.documents,
            "duplicates": report.duplicates,
            "failed": report.failed,
            "errors": [{"name": name, "message": message} for name, message in report.errors],
        }
        return super().to_representation(data)


class UploadSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), allow_empty=False)
