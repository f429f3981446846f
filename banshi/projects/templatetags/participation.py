"""`{% project_participation project as panel %}`: what the project's participation panel shows (its
origin, year-end verdicts, consultations and on-site sessions), for the register's project page."""

from __future__ import annotations

from typing import Any

from django import template

from banshi.projects.participation_selectors import ProjectPanel, project_panel

register = template.Library()


@register.simple_tag(takes_context=True)
def project_participation(context: dict[str, Any], project: Any) -> ProjectPanel:
    request = context.get("request")
    from django.contrib.auth.models import AnonymousUser

    user = getattr(request, "user", None) or AnonymousUser()
    return project_panel(project, user=user)
