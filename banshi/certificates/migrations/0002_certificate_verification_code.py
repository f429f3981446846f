import secrets
from typing import Any

from django.db import migrations, models

import banshi.certificates.models

# As in the model, copied so that this migration never changes with it.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10


def give_each_certificate_a_code(apps: Any, schema_editor: Any) -> None:
    Certificate = apps.get_model("certificates", "Certificate")
    pending = Certificate.objects.filter(verification_code="").only("pk")
    for certificate in pending.iterator(chunk_size=500):
        certificate.verification_code = "".join(secrets.choice(ALPHABET) for _position in range(LENGTH))
        certificate.save(update_fields=["verification_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
    ]

    operations = [
        # Added empty first: a callable default on AddField would give every existing row the same code.
        migrations.AddField(
            model_name="certificate",
            name="verification_code",
            field=models.CharField(default="", editable=False, max_length=10, verbose_name="verification code"),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_certificate_a_code, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="certificate",
            name="verification_code",
            field=models.CharField(
                default=banshi.certificates.models.verification_code_new,
                editable=False,
                max_length=10,
                verbose_name="verification code",
            ),
        ),
    ]
