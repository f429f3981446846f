"""The named sequences move here from cases. The table stays as it is (cases_counter, with every
value in it): this app only takes the model over in Django's state, and the content type (with its
permissions) follows it. On a fresh database cases' first migration creates the table."""

from django.db import migrations, models


def content_type_to(app_label, other):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        if not ContentType.objects.using(db).filter(app_label=app_label, model="counter").exists():
            ContentType.objects.using(db).filter(app_label=other, model="counter").update(app_label=app_label)

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("cases", "0003_window_confirmation"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Counter",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=80, unique=True)),
                        ("value", models.BigIntegerField(default=0)),
                    ],
                    options={"db_table": "cases_counter"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to("sequences", "cases"), content_type_to("cases", "sequences")),
    ]
