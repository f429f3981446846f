"""The pages of residents' and deputies' say on projects, mounted under /projects/ by `urls.py`."""

from django.urls import path

from banshi.projects.views import participation_new as new
from banshi.projects.views import participation_rounds as rounds
from banshi.projects.views import participation_talks as talks

urlpatterns = [
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", new.round_new, name="round_new"),
    path("consultations/new/", new.consultation_new, name="consultation_new"),
    path("sessions/new/", new.session_new, name="session_new"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/propose/", rounds.proposal_new, name="proposal_new"),
    path("rounds/<int:round_id>/similar/", rounds.proposal_similar, name="proposal_similar"),
    path("rounds/<int:round_id>/survey/", rounds.round_survey, name="round_survey"),
    path("rounds/<int:round_id>/ballot/", rounds.round_ballot, name="round_ballot"),
    path("rounds/<int:round_id>/residence/", rounds.round_residence, name="round_residence"),
    path(
        "rounds/<int:round_id>/proposals/<int:proposal_id>/moderate/",
        rounds.proposal_moderate,
        name="proposal_moderate",
    ),
    path("rounds/<int:round_id>/candidates/new/", rounds.candidate_new, name="candidate_new"),
    path("rounds/<int:round_id>/advance/", rounds.round_advance, name="round_advance"),
    path("consultations/", talks.consultation_list, name="consultation_list"),
    path("consultations/<int:consultation_id>/", talks.consultation_detail, name="consultation_detail"),
    path(
        "consultations/<int:consultation_id>/comment/",
        talks.consultation_comment,
        name="consultation_comment",
    ),
    path(
        "consultations/<int:consultation_id>/comments/<int:comment_id>/reply/",
        talks.comment_reply,
        name="comment_reply",
    ),
    path(
        "consultations/<int:consultation_id>/finalise/",
        talks.consultation_finalise,
        name="consultation_finalise",
    ),
    path(
        "consultations/<int:consultation_id>/files/",
        talks.consultation_file_add,
        name="consultation_file_add",
    ),
    path(
        "consultations/<int:consultation_id>/files/<int:file_id>/",
        talks.consultation_file,
        name="consultation_file",
    ),
    path("sessions/<int:session_id>/", talks.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/problems/", talks.session_problem_add, name="session_problem_add"),
    path(
        "sessions/<int:session_id>/problems/<int:problem_id>/file/",
        talks.session_problem_file,
        name="session_problem_file",
    ),
    path("verdicts/", talks.verdict_list, name="verdicts"),
    path("<int:project_id>/verdict/", talks.verdict_new, name="verdict_new"),
]
