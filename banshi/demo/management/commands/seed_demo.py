from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from banshi.accounts import demo as accounts_demo
from banshi.directory import demo as directory_demo
from banshi.outreach import demo as outreach_demo
from banshi.problems import demo as problems_demo
from banshi.projects import demo as projects_demo
from banshi.projects import demo_participation as participation_demo
from banshi.remote import demo as remote_demo


class Command(BaseCommand):
    help = "Create demo accounts (only when BANSHI_DEMO is on). Loads the directory first."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("seed_demo only runs in demo mode: set BANSHI_DEMO=1")
        call_command("load_directory", verbosity=0)
        with transaction.atomic():
            # Each app's own demo data, lowest layer first.
            users = accounts_demo.seed()
            directory_demo.seed(users=users)
            remote_demo.seed(users=users)
            problems_demo.seed(users=users)
            outreach_demo.seed(users=users)
            projects_demo.seed(users=users)
            participation_demo.seed(users=users)
        self.stdout.write(f"Demo logins (password: {accounts_demo.PASSWORD}):")
        self.stdout.write(f"  resident           {accounts_demo.RESIDENT_PHONE}")
        for username, _name in accounts_demo.STAFF:
            self.stdout.write(f"  {username:<18} {username}")
        self.stdout.write(f"  {accounts_demo.ADMIN[0]:<18} {accounts_demo.ADMIN[0]}  (/admin/)")
