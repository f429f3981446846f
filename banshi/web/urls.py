from django.contrib.auth.views import LogoutView
from django.urls import path

from banshi.web.views import account, apply, cases, site, work

urlpatterns = [
    path("", site.home, name="home"),
    path("large-text/", site.large_text, name="large_text"),
    path("accounts/login/", account.Login.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/signup/", account.signup, name="signup"),
    path("bundles/<slug:code>/", apply.bundle_start, name="bundle_start"),
    path("bundles/<slug:code>/questions/", apply.apply_questions, name="apply_questions"),
    path("bundles/<slug:code>/details/", apply.apply_details, name="apply_details"),
    path("bundles/<slug:code>/check/", apply.apply_check, name="apply_check"),
    path("applications/", cases.application_list, name="application_list"),
    path("applications/<str:number>/", cases.application_detail, name="application_detail"),
    path("applications/<str:number>/submitted/", apply.application_submitted, name="application_submitted"),
    path(
        "applications/<str:number>/tasks/<int:task_id>/correct/",
        cases.application_correct_view,
        name="application_correct",
    ),
    path("materials/<int:upload_id>/", cases.material, name="material"),
    path("work/", work.work_queue, name="work_queue"),
    path("work/tasks/<int:task_id>/", work.work_task, name="work_task"),
    path(
        "work/tasks/<int:task_id>/<str:action>/",
        work.work_task_action,
        name="work_task_action",
    ),
]
