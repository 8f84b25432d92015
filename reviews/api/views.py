"""API views: thin; scoping in selectors, writes in services."""
from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from ..exports.formats import format_module
from ..selectors.api import batches_for, records_for
from ..selectors.exports import export_for, exports_for
from ..services.exports import export_filename, open_export_file, record_download
from ..services.intake import create_batch, intake_files
from .filters import RecordFilter
from .pagination import RecordPagination
from .permissions import IsInsurerOrAdmin, ReadInsurerWriteAdmin
from .serializers import BatchSerializer, ExportSerializer, IntakeReportSerializer, RecordSerializer, UploadSerializer


class RecordList(generics.ListAPIView):
    """Approved records of your organisation, oldest approval first."""

    serializer_class = RecordSerializer
    permission_classes = [IsInsurerOrAdmin]
    pagination_class = RecordPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = RecordFilter

    def get_queryset(self):
        return records_for(self.request.user)


class RecordDetail(generics.RetrieveAPIView):
    serializer_class = RecordSerializer
    permission_classes = [IsInsurerOrAdmin]

    def get_queryset(self):
        return records_for(self.request.user)


class ExportList(generics.ListAPIView):
    """Past exports of your organisation, newest first."""

    serializer_class = ExportSerializer
    permission_classes = [IsInsurerOrAdmin]

    def get_queryset(self):
        return exports_for(self.request.user)


class ExportDetail(generics.RetrieveAPIView):
    serializer_class = ExportSerializer
    permission_classes = [IsInsurerOrAdmin]

    def get_queryset(self):
        return exports_for(self.request.user)


class ExportFile(APIView):
    """The stored file of a past export, byte-identical to the first download."""

    permission_classes = [IsInsurerOrAdmin]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        export = export_for(request.user, pk)
        record_download(export=export, user=request.user, request=request)
        response = FileResponse(
            open_export_file(export), as_attachment=True, content_type=format_module(export.format).CONTENT_TYPE,
            filename=export_filename(organization=export.organization, fmt=export.format, created_at=export.created_at),
        )
        response["Cache-Control"] = "private, no-store"
        return response


class BatchList(generics.ListCreateAPIView):
    """Batches with their progress; admins create batches."""

    serializer_class = BatchSerializer
    permission_classes = [ReadInsurerWriteAdmin]

    def get_queryset(self):
        return batches_for(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        batch = create_batch(organization=data["organization"], name=data["name"], uploaded_by=self.request.user)
        serializer.instance = batches_for(self.request.user).get(pk=batch.pk)


class BatchDetail(generics.RetrieveAPIView):
    serializer_class = BatchSerializer
    permission_classes = [IsInsurerOrAdmin]

    def get_queryset(self):
        return batches_for(self.request.user)


class BatchDocuments(APIView):
    """Upload documents (PDF, images or zip archives) into a batch; admins only."""

    permission_classes = [ReadInsurerWriteAdmin]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: IntakeReportSerializer, 400: OpenApiResponse(description="No files"), 404: None},
    )
    def post(self, request, pk: int):
        batch = get_object_or_404(batches_for(request.user), pk=pk)
        upload = UploadSerializer(data={"files": request.FILES.getlist("files")})
        upload.is_valid(raise_exception=True)
        files = [(item.name, item) for item in upload.validated_data["files"]]
        report = intake_files(batch=batch, files=files, uploaded_by=request.user, request=request)
        return Response(IntakeReportSerializer(report).data, status=status.HTTP_201_CREATED)


