from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemoteConfig(AppConfig):
    name = "banshi.remote"
    verbose_name = _("Video window")

    def ready(self) -> None:
        from banshi.cases.channels import (
            route_finder_register,
            status_section_register,
            upload_keeper_register,
        )
        from banshi.remote.channels import prereview_section, uploads_in_shared_drafts, video_route

        route_finder_register(video_route)
        status_section_register(prereview_section)
        upload_keeper_register(uploads_in_shared_drafts)
