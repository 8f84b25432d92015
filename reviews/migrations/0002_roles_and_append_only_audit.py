"""Role groups with their permissions, and an append-only audit table.

On PostgreSQL a trigger refuses UPDATE and DELETE on reviews_auditevent, so
the trail holds even against code that bypasses the model's guards.
"""
from django.db import migrations

ROLE_PERMISSIONS = {
    "admin": [
        "view_organization", "add_organization", "change_organization",
        "view_batch", "add_batch", "change_batch",
        "view_document", "add_document", "change_document",
        "view_extractedfield", "change_extractedfield", "view_auditevent", "view_membership",
        "add_membership", "change_membership",
    ],
    "reviewer": ["view_document", "change_document", "view_extractedfield", "change_extractedfield", "view_batch"],
    "insurer": ["view_document", "view_batch"],
}

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION reviews_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reviews_auditevent_no_update BEFORE UPDATE OR DELETE ON reviews_auditevent
    FOR EACH ROW EXECUTE FUNCTION reviews_auditevent_append_only();
"""
DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS reviews_auditevent_no_update ON reviews_auditevent;
DROP FUNCTION IF EXISTS reviews_auditevent_append_only();
"""


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(content_type__app_label="reviews", codename__in=codenames))


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(append_only, drop_append_only),
    ]
