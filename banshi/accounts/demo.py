"""The demo accounts: a resident, one member of staff per role, and an administrator. Called by
`manage.py seed_demo` (banshi.demo) in demo mode only; running it again changes nothing."""

from banshi.accounts.models import User

PASSWORD = "banshi-demo"
RESIDENT_PHONE = "13800000000"
RESIDENT_NAME = "张丽"
# username, display name; directory.demo gives each their role (problems.demo the hotline's and the
# units', projects.demo the owners' and deputies', outreach.demo the organiser's and moderator's).
STAFF = [
    ("health_officer", "卫健委经办人"),
    ("police_officer", "派出所民警"),
    ("insurance_officer", "医保局经办人"),
    ("hrss_officer", "人社局经办人"),
    ("window_clerk", "综合窗口帮办员"),
    ("supervisor", "督查员"),
    ("operator", "12345 话务员"),
    ("dispatcher", "12345 派单员"),
    ("street_officer", "解放碑街道经办人"),
    ("water_officer", "重庆水务经办人"),
    ("project_owner", "巴南区住建委项目负责人"),
    ("deputy1", "人大代表 王建国"),
    ("deputy2", "人大代表 李秀英"),
    ("deputy3", "人大代表 陈志强"),
    ("deputy4", "人大代表 刘芳"),
    ("deputy5", "人大代表 周明"),
    ("organiser", "宣讲组织员"),
    ("moderator", "视频审核员"),
]
ADMIN = ("admin", "管理员")


def seed() -> dict[str, User]:
    """The demo users by username (the resident's is the phone number)."""
    users = {RESIDENT_PHONE: _user(RESIDENT_PHONE, RESIDENT_NAME, phone=RESIDENT_PHONE)}
    for username, name in STAFF:
        users[username] = _user(username, name)
    admin = _user(*ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    users[admin.username] = admin
    return users


def _user(username: str, name: str, phone: str | None = None) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": name, "phone": phone}
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user
