"""The "Editor" group: edits questions and handles reports, never users or settings."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Editor"
PERMISSIONS = {
    "quizbank": [
        "add_question",
        "change_question",
        "view_question",
        "add_choice",
        "change_choice",
        "view_choice",
        "view_section",
        "view_subsection",
        "change_problemreport",
        "view_problemreport",
    ],
    "editorial": [
        "view_historicalquestion",
        "change_historicalquestion",
        "view_historicalchoice",
        "change_historicalchoice",
        "view_itemstats",
    ],
}


def create_editor_group(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate);
    # create those of the two apps now so a fresh database gets a full group.
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITOR)
    for label, codenames in PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        )


def delete_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITOR).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("quizbank", "0002_learning_loop"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editor_group, delete_editor_group)]
