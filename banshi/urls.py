from django.contrib import admin
from django.urls import include, path

from banshi.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("open311/v2/", include("banshi.open311.urls")),
    path("", include("banshi.ui.urls")),
    path("", include("banshi.accounts.urls")),
    path("", include("banshi.directory.urls")),
    path("", include("banshi.catalog.urls")),
    path("", include("banshi.cases.urls")),
    path("", include("banshi.certificates.urls")),
    path("", include("banshi.remote.urls")),
    path("", include("banshi.notify.urls")),
    path("problems/", include("banshi.problems.urls")),
    path("projects/", include("banshi.projects.urls")),
    path("outreach/", include("banshi.outreach.urls")),
    path("numbers/", include("banshi.stats.urls")),
]

handler403 = "banshi.ui.views.permission_denied"
handler404 = "banshi.ui.views.page_not_found"
handler500 = "banshi.ui.views.server_error"
