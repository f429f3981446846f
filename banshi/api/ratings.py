"""Ratings (好差评) of finished applications."""

from datetime import datetime

from ninja import Schema, Status

from banshi.api.api import api
from banshi.api.routes import Errors
from banshi.cases.services.rate import application_rate


class RatingIn(Schema):
    level: int
    comment: str = ""


class RatingOut(Schema):
    application: str
    level: int
    label: str
    comment: str
    created_at: datetime


@api.post(
    "/applications/{application_id}/rating",
    response={201: RatingOut, 400: Errors, 404: Errors, 409: Errors},
    tags=["applications"],
)
def application_rating_create(request, application_id: int, payload: RatingIn):
    """Rate a complete or closed application, once: `level` 5 very satisfied (非常满意), 4 satisfied
    (满意), 3 fairly satisfied (基本满意), 2 dissatisfied (不满意), 1 very dissatisfied (非常不满意)."""
    rating = application_rate(
        actor=request.auth, application_id=application_id, level=payload.level, comment=payload.comment
    )
    return Status(
        201,
        {
            "application": rating.application.number,
            "level": rating.level,
            "label": str(rating.get_level_display()),
            "comment": rating.comment,
            "created_at": rating.created_at,
        },
    )
