from django.urls import include, path

from bench.views import insert

urlpatterns = [
    path("bench/insert", insert, name="bench_insert"),
    path("", include("banshi.urls")),
]
