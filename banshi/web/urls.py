from django.contrib.auth.views import LogoutView
from django.urls import path

from banshi.web.views import account, apply, cases, ratings, site, supervise, window, work

urlpatterns = [
    path("", site.home, name="home"),
    path("large-text/", site.large_text, name="large_text"),
    path("accounts/login/", account.Login.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/signup/", account.signup, name="signup"),
    path("accounts/password/", account.password_code, name="password_code"),
    path("accounts/password/set/", account.password_set, name="password_set"),
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
    path("window/", window.window_console, name="window_console"),
    path("window/residents/new/", window.window_resident_create, name="window_resident_create"),
    path("window/residents/<int:resident_id>/", window.window_resident, name="window_resident"),
    path(
        "window/residents/<int:resident_id>/bundles/<slug:code>/questions/",
        apply.apply_questions,
        name="window_apply_questions",
    ),
    path(
        "window/residents/<int:resident_id>/bundles/<slug:code>/details/",
        apply.apply_details,
        name="window_apply_details",
    ),
    path(
        "window/residents/<int:resident_id>/bundles/<slug:code>/check/",
        apply.apply_check,
        name="window_apply_check",
    ),
    path(
        "window/residents/<int:resident_id>/bundles/<slug:code>/confirm/",
        window.window_apply_confirm,
        name="window_apply_confirm",
    ),
    path("window/applications/", window.window_applications, name="window_applications"),
    path("window/applications/<str:number>/", window.window_application, name="window_application"),
    path("window/applications/<str:number>/hand-over/", window.window_hand_over, name="window_hand_over"),
    path("work/", work.work_queue, name="work_queue"),
    path("supervise/", supervise.supervise, name="supervise"),
    path("supervise/ratings/", ratings.supervise_ratings, name="supervise_ratings"),
    path("work/tasks/<int:task_id>/", work.work_task, name="work_task"),
    path(
        "work/tasks/<int:task_id>/<str:action>/",
        work.work_task_action,
        name="work_task_action",
    ),
]
