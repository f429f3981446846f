"""The projects app's models: the register (`register`) and residents' and deputies' say on it
(`participation`: selection rounds, consultations, on-site office sessions, year-end verdicts)."""

from banshi.projects.models.participation import *  # noqa: F403
from banshi.projects.models.register import *  # noqa: F403
