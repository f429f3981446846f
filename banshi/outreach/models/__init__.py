"""The outreach app's models: lecture programmes (`lectures`) and story-video campaigns (`videos`)."""

from banshi.outreach.models.lectures import *  # noqa: F403
from banshi.outreach.models.videos import *  # noqa: F403
