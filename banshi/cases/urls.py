from django.urls import path

from banshi.cases.views import access, apply, delivery, ratings, status, supervise, window, work

app_name = "cases"

urlpatterns = [
    path("bundles/<slug:code>/questions/", apply.apply_questions, name="apply_questions"),
    path("bundles/<slug:code>/details/", apply.apply_details, name="apply_details"),
    path("bundles/<slug:code>/check/", apply.apply_check, name="apply_check"),
    path("applications/", status.application_list, name="application_list"),
    path("applications/<str:number>/", status.application_detail, name="application_detail"),
    path("applications/<str:number>/submitted/", apply.application_submitted, name="application_submitted"),
    path(
        "applications/<str:number>/tasks/<int:task_id>/correct/",
        status.application_correct_view,
        name="application_correct",
    ),
    path("applications/<str:number>/post/", delivery.application_post, name="application_post"),
    path("applications/<str:number>/delivery/", delivery.application_delivery, name="application_delivery"),
    path(
        "applications/<str:number>/withdraw/", status.application_withdraw_view, name="application_withdraw"
    ),
    path("materials/<int:upload_id>/", status.material, name="material"),
    path("window/", window.window_console, name="window_console"),
    path("window/residents/new/", window.window_resident_create, name="window_resident_create"),
    path("window/residents/<int:resident_id>/", window.window_resident, name="window_resident"),
    path(
        "window/residents/<int:resident_id>/identity/",
        window.window_resident_identity,
        name="window_resident_identity",
    ),
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
    path("window/applications/<str:number>/delivery/", delivery.window_delivery, name="window_delivery"),
    path("window/applications/<str:number>/hand-over/", window.window_hand_over, name="window_hand_over"),
    path("work/", work.work_queue, name="work_queue"),
    path("work/tasks/<int:task_id>/", work.work_task, name="work_task"),
    path("work/tasks/<int:task_id>/<str:action>/", work.work_task_action, name="work_task_action"),
    path("supervise/", supervise.supervise, name="supervise"),
    path("supervise/ratings/", ratings.supervise_ratings, name="supervise_ratings"),
    path(
        "supervise/ratings/<int:rating_id>/phone/",
        ratings.supervise_rating_phone,
        name="supervise_rating_phone",
    ),
    path(
        "supervise/applications/<str:number>/",
        ratings.supervise_application,
        name="supervise_application",
    ),
    path("supervise/access/", access.supervise_access, name="supervise_access"),
]
