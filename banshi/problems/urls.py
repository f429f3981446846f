from django.urls import path, re_path

from banshi.problems.views import public, resident, staff
from banshi.problems.views import stats as stats_views

app_name = "problems"
# A reference number (SQ, the day, the day's sequence): nothing else of /problems/ looks like one.
urlpatterns = [
    path("report/", resident.report_new, name="report_new"),
    path("mine/", resident.my_reports, name="my_reports"),
    path("stats/", stats_views.stats, name="stats"),
    path("map/", public.problem_map, name="map"),
    path("map.json", public.problem_map_json, name="map_json"),
    path("photos/<int:photo_id>/", resident.photo, name="photo"),
    re_path(r"^(?P<number>SQ[0-9]{8,20})/$", resident.report_detail, name="report_detail"),
    re_path(r"^(?P<number>SQ[0-9]{8,20})/follow/$", resident.report_follow_view, name="report_follow"),
    re_path(r"^(?P<number>SQ[0-9]{8,20})/unfollow/$", resident.report_unfollow_view, name="report_unfollow"),
    re_path(r"^(?P<number>SQ[0-9]{8,20})/reopen/$", resident.report_reopen_view, name="report_reopen"),
    re_path(r"^(?P<number>SQ[0-9]{8,20})/callback/$", resident.report_callback_view, name="report_callback"),
    path("staff/", staff.unit_queue_page, name="unit_queue"),
    path("staff/operator/", staff.operator_console, name="operator"),
    path("staff/operator/categories/", staff.operator_categories, name="operator_categories"),
    path("staff/operator/caller/", staff.operator_caller, name="operator_caller"),
    path("staff/dispatch/", staff.dispatch_queue, name="dispatch"),
    path("staff/callbacks/", staff.callbacks_page, name="callbacks"),
    path("supervise/<str:number>/", staff.supervise_report, name="supervise_report"),
    path("staff/<str:number>/", staff.report_page, name="staff_report"),
    path("staff/<str:number>/phone/", staff.reporter_phone, name="staff_reporter_phone"),
    path("staff/<str:number>/<str:action>/", staff.report_action, name="staff_report_action"),
]
