"""Appointments carry their slot's window and local day (filled by the next migration)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("remote", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="window",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="directory.window",
            ),
        ),
        migrations.AddField(
            model_name="appointment",
            name="day",
            field=models.DateField(null=True, verbose_name="day"),
        ),
    ]
