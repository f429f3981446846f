"""Outside demo mode the servers refuse to start while an account keeps the demo's published password:
a system check (`manage.py check --deploy --database default`) that `banshi/wsgi.py` and `banshi/asgi.py`
run before they serve (`banshi/startup.py`)."""

import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from banshi.accounts import demo
from banshi.accounts.checks import demo_accounts_check, demo_usernames
from banshi.accounts.models import User
from banshi.startup import checks_before_serving

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_accounts(settings):
    """The demo's accounts, left behind in a database that is no longer a demo's."""
    users = demo.seed()
    settings.DEMO = False
    return users


def test_every_account_the_demo_creates_is_checked(settings):
    settings.DEMO = True
    assert sorted(demo.seed()) == sorted(demo_usernames())


def test_outside_demo_mode_demo_accounts_are_an_error_naming_how_many_and_the_fix(demo_accounts):
    (error,) = demo_accounts_check(databases=["default"])
    assert error.id == "accounts.E001" and error.is_serious()
    assert error.msg.startswith("20 account(s) still have the demo's published password (banshi-demo)")
    assert "admin" in error.msg and "window_clerk" in error.msg
    assert "manage.py changepassword USERNAME" in error.hint and "BANSHI_DEMO=1" in error.hint


def test_an_account_with_a_password_of_its_own_passes_and_the_check_writes_nothing(demo_accounts):
    for user in demo_accounts.values():
        if user.username != "supervisor":
            user.set_password("a password of its own")
            user.save(update_fields=["password"])
    stored = dict(User.objects.values_list("username", "password"))
    (error,) = demo_accounts_check(databases=["default"])
    assert error.msg.startswith("1 account(s) still have") and "supervisor" in error.msg
    demo_accounts["supervisor"].set_unusable_password()
    demo_accounts["supervisor"].save(update_fields=["password"])
    assert demo_accounts_check(databases=["default"]) == []
    stored["supervisor"] = User.objects.get(username="supervisor").password
    assert dict(User.objects.values_list("username", "password")) == stored


def test_demo_mode_and_a_check_without_the_database_pass(demo_accounts, settings):
    assert demo_accounts_check(databases=None) == []
    settings.DEMO = True
    assert demo_accounts_check(databases=["default"]) == []


def test_the_deploy_check_command_refuses_them(demo_accounts):
    with pytest.raises(SystemCheckError, match="accounts.E001"):
        call_command("check", "--deploy", "--database", "default", stdout=io.StringIO(), stderr=io.StringIO())
    # Without the database the ordinary checks pass (migrate, db_worker and other commands run them).
    call_command("check", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_server_does_not_start_while_a_demo_password_is_in_use(demo_accounts):
    with pytest.raises(SystemCheckError) as refused:
        checks_before_serving()
    assert "The server does not start" in str(refused.value) and "20 account(s)" in str(refused.value)
    User.objects.filter(username__in=demo_usernames()).delete()
    checks_before_serving()


@pytest.mark.django_db(transaction=True)
def test_in_demo_mode_the_server_starts_and_says_it_is_the_demo(settings, caplog):
    settings.DEMO = True
    demo.seed()
    with caplog.at_level(logging.WARNING, logger="banshi"):
        checks_before_serving()
    assert "Demo mode (BANSHI_DEMO)" in caplog.text
