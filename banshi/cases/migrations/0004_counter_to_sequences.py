"""Counter now belongs to banshi.sequences, which took over its table: cases forgets the model in
Django's state only, and the table and its values stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_window_confirmation"),
        ("sequences", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Counter")],
            database_operations=[],
        ),
    ]
