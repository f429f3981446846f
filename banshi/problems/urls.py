from django.urls import path

from banshi.problems.views import staff

app_name = "problems"
urlpatterns = [
    path("staff/", staff.unit_queue_page, name="unit_queue"),
    path("staff/operator/", staff.operator_console, name="operator"),
    path("staff/operator/categories/", staff.operator_categories, name="operator_categories"),
    path("staff/operator/caller/", staff.operator_caller, name="operator_caller"),
    path("staff/dispatch/", staff.dispatch_queue, name="dispatch"),
    path("staff/callbacks/", staff.callbacks_page, name="callbacks"),
    path("staff/<str:number>/", staff.report_page, name="staff_report"),
    path("staff/<str:number>/phone/", staff.reporter_phone, name="staff_reporter_phone"),
    path("staff/<str:number>/<str:action>/", staff.report_action, name="staff_report_action"),
]
