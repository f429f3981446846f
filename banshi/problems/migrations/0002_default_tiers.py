from django.db import migrations

# The tiers of the 12345 draft standard (Dec 2021): emergencies and risks to life or property within 2
# hours around the clock; water, power, gas and heating within 24 hours; general matters within 7 days;
# complex ones within 15 days, the last three on the working calendar. Administrators may change them.
TIERS = [
    ("emergency", "紧急", "Emergency", "calendar", 2, 2),
    ("utilities", "水电气暖", "Water, power, gas, heating", "working", 24, 24),
    ("general", "一般", "General", "working", 7 * 24, 7 * 24),
    ("complex", "复杂", "Complex", "working", 15 * 24, 15 * 24),
]


def create(apps, schema_editor):
    Tier = apps.get_model("problems", "Tier")
    for position, (code, name_zh, name_en, clock, contact, closing) in enumerate(TIERS):
        Tier.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "clock": clock,
                "first_contact_hours": contact,
                "closing_hours": closing,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
