"""Surveys and secret ballots, for any app that lets residents or deputies have their say."""
