from django.urls import path

from banshi.projects.urls_participation import urlpatterns as participation_urls
from banshi.projects.views import owner, register

app_name = "projects"
# The participation pages (rounds/, consultations/, sessions/, verdicts/, <id>/verdict/) come first:
# none of their paths is a register page's.
urlpatterns = [
    *participation_urls,
    path("", register.register, name="register"),
    path("map.json", register.register_map_json, name="map_json"),
    path("export.<str:file_format>", register.register_export, name="export"),
    path("import/", owner.import_page, name="import"),
    path("mine/", owner.my_projects, name="mine"),
    path("behind/", owner.projects_behind, name="behind"),
    path("photos/<int:photo_id>/", register.update_photo, name="photo"),
    path("documents/<int:document_id>/", register.update_document, name="document"),
    path("milestones/<int:milestone_id>/done/", owner.milestone_mark_done, name="milestone_done"),
    path("<int:project_id>/", register.project_detail, name="detail"),
    path("<int:project_id>/update/", owner.update_new, name="update_new"),
    path("<int:project_id>/move/", owner.project_move, name="move"),
    path("<int:project_id>/plan/", owner.plan, name="plan"),
    path("<int:project_id>/link/", owner.report_link, name="link_report"),
]
