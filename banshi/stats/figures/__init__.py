"""The sections of the open numbers, one module each; importing this package registers them all."""

from banshi.stats.figures import cases, outreach, problems, projects, remote  # noqa: F401
