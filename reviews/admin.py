from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from .forms.upload import MultipleFileField
from .models import AuditEvent, Batch, BatchAlert, Document, DocumentStatus, Membership, Organization, Page
from .roles import ADMIN, has_role
from .services import intake, processing


class NoAddOrChange:
    """Admin (or inline) that shows rows but never adds or edits them: writes go through services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnly(NoAddOrChange):
    """Neither added, edited nor deleted through the admin."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "double_check"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization"]
    list_select_related = ["user", "organization"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: the trail is append-only, through admin as everywhere."""

    list_display = ["created_at", "action", "actor", "document", "ip_address"]
    list_filter = ["action"]
    list_select_related = ["actor", "document"]
    date_hierarchy = "created_at"


class DocumentInline(NoAddOrChange, admin.TabularInline):
    """The batch's documents, read-only: statuses change through services, not forms."""

    model = Document
    fields = ["original_filename", "status", "kind", "page_count", "error", "duplicate_of"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


class BatchAdminForm(forms.ModelForm):
    name = forms.CharField(max_length=200, required=False, help_text="Leave empty to name it after the upload time.")
    files = MultipleFileField(
        required=False,
        help_text="PDF, PNG, JPEG or TIFF files, or zip archives of them. Files added to an existing batch join it.",
    )

    class Meta:
        model = Batch
        fields = ["organization", "name"]


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    """Create a batch and upload its files (zips included) through the intake service."""

    form = BatchAdminForm
    list_display = ["name", "organization", "received_at", "due_at", "document_count", "failed_count", "progress_page"]
    list_filter = ["organization"]
    list_select_related = ["organization"]
    search_fields = ["name"]
    date_hierarchy = "received_at"
    inlines = [DocumentInline]
    actions = ["reprocess_failures"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            documents_total=Count("documents"),
            documents_failed=Count("documents", filter=Q(documents__status=DocumentStatus.FAILED)),
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organization", "name", "files"]
        return ["organization", "name", "files", "received_at", "due_at", "uploaded_by", "progress_page", "not_accepted"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["organization", "received_at", "due_at", "uploaded_by", "progress_page", "not_accepted"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = intake.create_batch(organization=obj.organization, name=obj.name, uploaded_by=request.user)
        for name in ("id", "name", "received_at", "due_at", "uploaded_by_id"):
            setattr(obj, name, getattr(created, name))
        obj._state = created._state

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        files = form.cleaned_data.get("files") or []
        if not files:
            return
        report = intake.intake_files(
            batch=form.instance, files=[(upload.name, upload) for upload in files], uploaded_by=request.user, request=request
        )
        self.message_user(request, report.summary(), messages.WARNING if report.errors else messages.SUCCESS)
        for name, message in report.errors[:20]:
            self.message_user(request, f"File {name}: {message}", messages.WARNING)

    @admin.display(description="documents", ordering="documents_total")
    def document_count(self, obj):
        return obj.documents_total

    @admin.display(description="failed", ordering="documents_failed")
    def failed_count(self, obj):
        return obj.documents_failed

    @admin.display(description="progress")
    def progress_page(self, obj):
        return format_html('<a href="{}">progress</a>', reverse("batch_detail", args=[obj.pk]))

    @admin.display(description="not accepted at intake")
    def not_accepted(self, obj):
        items = obj.intake_errors or []
        if not items:
            return "none"
        return format_html_join(mark_safe("<br>"), "{}: {}", ((item["name"], item["error"]) for item in items))

    @admin.action(description="Re-process the failed documents of the selected batches", permissions=["reprocess"])
    def reprocess_failures(self, request, queryset):
        failed = Document.objects.filter(batch__in=queryset, status=DocumentStatus.FAILED).order_by("id")
        result = processing.reprocess(documents=failed, actor=request.user, request=request)
        self.message_user(request, f"{len(result.queued)} failed documents sent to processing again.", messages.SUCCESS)

    def has_reprocess_permission(self, request):
        return has_role(request.user, ADMIN)


class PageInline(NoAddOrChange, admin.TabularInline):
    model = Page
    fields = ["number", "width", "height", "word_count"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="OCR words")
    def word_count(self, obj):
        return len(obj.words or [])


@admin.register(Document)
class DocumentAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only view of documents with the re-process action.

    Status, fields and corrections change only through services (the review
    pages and processing); files are shown by name, never linked.
    """

    list_display = ["id", "original_filename", "batch", "status", "kind", "page_count", "error"]
    list_filter = ["status", "kind", "organization"]
    list_select_related = ["organization", "batch"]
    search_fields = ["original_filename", "sha256", "=id"]
    fields = [
        "batch", "organization", "original_filename", "stored_as", "content_type", "size", "sha256", "status",
        "error", "duplicate_of", "kind", "kind_confidence", "page_count", "due_at", "attempts",
        "processing_started_at", "processed_at", "created_at",
    ]
    readonly_fields = fields
    inlines = [PageInline]
    actions = ["reprocess_selected"]

    @admin.display(description="stored as")
    def stored_as(self, obj):
        return obj.original.name

    @admin.action(description="Re-process the selected documents (replaces their extracted fields)",
                  permissions=["reprocess"])
    def reprocess_selected(self, request, queryset):
        result = processing.reprocess(documents=queryset.order_by("id"), actor=request.user, request=request)
        self.message_user(request, f"{len(result.queued)} documents sent to processing again.", messages.SUCCESS)
        for document, why in result.skipped[:20]:
            message = f"#{document.pk} {document.original_filename} was not re-processed: {why}."
            self.message_user(request, message, messages.WARNING)

    def has_reprocess_permission(self, request):
        return has_role(request.user, ADMIN)


@admin.register(Page)
class PageAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["document", "number", "width", "height"]
    list_select_related = ["document"]
    fields = ["document", "number", "width", "height"]
    readonly_fields = fields


@admin.register(BatchAlert)
class BatchAlertAdmin(NoAddOrChange, admin.ModelAdmin):
    """Deadline e-mails sent: a record, not something to edit (deleting one lets it be sent again)."""

    list_display = ["created_at", "batch", "state", "open_documents", "recipients"]
    list_filter = ["state"]
    list_select_related = ["batch", "batch__organization"]
    readonly_fields = ["batch", "state", "created_at", "open_documents", "recipients"]

