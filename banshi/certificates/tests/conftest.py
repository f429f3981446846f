import pytest
from django.test import Client

from banshi.audit.models import Event
from banshi.cases.tests.helpers import approve
from banshi.certificates.models import Certificate


@pytest.fixture
def issued(submit, health_officer) -> Certificate:
    """The resident's application with its birth medical certificate approved and issued."""
    application = submit()
    approve(health_officer, application, "birth_medical_certificate")
    return Certificate.objects.get(application=application, document_type="birth_certificate_number")


def logged_in(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def events(subject, event_type: str):
    return Event.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk), event_type=event_type
    )
