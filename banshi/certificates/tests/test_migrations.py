"""The migration that brought verification codes gives every document issued before it its own."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from banshi.cases.tests.helpers import approve
from banshi.certificates.models import VERIFICATION_ALPHABET, Certificate

BEFORE_CODES = ("certificates", "0001_initial")
CODES = ("certificates", "0002_certificate_verification_code")


@pytest.mark.django_db(transaction=True)
def test_documents_issued_before_the_codes_each_get_their_own(submit, health_officer):
    for key in ("a", "b", "c"):
        approve(health_officer, submit(idempotency_key=key), "birth_medical_certificate")
    numbers = set(Certificate.objects.values_list("number", flat=True))
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([BEFORE_CODES])
        with connection.cursor() as cursor:
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cursor, "certificates_certificate")
            ]
        assert "verification_code" not in columns
        executor.loader.build_graph()
        executor.migrate([CODES])
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    codes = dict(Certificate.objects.values_list("number", "verification_code"))
    assert set(codes) == numbers
    assert len(set(codes.values())) == 3
    for code in codes.values():
        assert re.fullmatch(f"[{VERIFICATION_ALPHABET}]{{10}}", code)
