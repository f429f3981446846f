from datetime import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from banshi.accounts.models import User
from banshi.directory.models import Agency, Area, Membership, Window

PASSWORD = "banshi-demo"
RESIDENT_PHONE = "13800000000"
STAFF = [
    # username, display name, role, agency code
    ("health_officer", "卫健委经办人", Membership.Role.OFFICER, "health_commission"),
    ("police_officer", "派出所民警", Membership.Role.OFFICER, "public_security"),
    ("insurance_officer", "医保局经办人", Membership.Role.OFFICER, "medical_insurance"),
    ("hrss_officer", "人社局经办人", Membership.Role.OFFICER, "hrss"),
    ("window_clerk", "综合窗口帮办员", Membership.Role.CLERK, None),
    ("supervisor", "督查员", Membership.Role.SUPERVISOR, None),
]


class Command(BaseCommand):
    help = "Create demo accounts (only when BANSHI_DEMO is on). Loads the directory first."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("seed_demo only runs in demo mode: set BANSHI_DEMO=1")
        call_command("load_directory", verbosity=0)
        with transaction.atomic():
            area = Area.objects.get(code="500103")
            window, _ = Window.objects.get_or_create(
                name="渝中区政务服务中心综合窗口", defaults={"area": area, "address": "重庆市渝中区"}
            )
            resident = self._user(RESIDENT_PHONE, "张丽", phone=RESIDENT_PHONE)
            for username, name, role, agency_code in STAFF:
                user = self._user(username, name)
                agency = Agency.objects.get(code=agency_code) if agency_code else None
                Membership.objects.get_or_create(
                    user=user,
                    role=role,
                    agency=agency,
                    window=window if role == Membership.Role.CLERK else None,
                )
            self._video_window(area)
            admin = self._user("admin", "管理员")
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        self.stdout.write(f"Demo logins (password: {PASSWORD}):")
        self.stdout.write(f"  resident           {resident.phone}")
        for username, *_rest in STAFF:
            self.stdout.write(f"  {username:<18} {username}")
        self.stdout.write("  admin              admin  (/admin/)")

    def _video_window(self, area: Area) -> None:
        """A video window open Monday to Friday, 09:00–12:00 and 13:30–17:30, in 15-minute slots of two
        places; the demo window clerk serves at it too."""
        from banshi.remote.models import VideoHours

        window, _ = Window.objects.get_or_create(
            name="渝中区政务服务中心视频窗口",
            defaults={"area": area, "address": "重庆市渝中区", "kind": Window.Kind.VIDEO},
        )
        if not VideoHours.objects.filter(window=window).exists():
            VideoHours.objects.bulk_create(
                VideoHours(
                    window=window, weekday=weekday, opens=opens, closes=closes, slot_minutes=15, capacity=2
                )
                for weekday in range(5)
                for opens, closes in ((time(9), time(12)), (time(13, 30), time(17, 30)))
            )
        clerk = User.objects.get(username="window_clerk")
        Membership.objects.get_or_create(user=clerk, role=Membership.Role.CLERK, window=window)

    def _user(self, username: str, name: str, phone: str | None = None) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"display_name": name, "phone": phone}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        return user
