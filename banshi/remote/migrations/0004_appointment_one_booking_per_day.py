"""The database keeps a resident to one booking per window and day."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("remote", "0003_appointment_window_day_filled"),
    ]

    operations = [
        migrations.AlterField(
            model_name="appointment",
            name="window",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="directory.window"
            ),
        ),
        migrations.AlterField(
            model_name="appointment",
            name="day",
            field=models.DateField(verbose_name="day"),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "booked")),
                fields=("resident", "window", "day"),
                name="one_booking_per_resident_window_day",
            ),
        ),
    ]
