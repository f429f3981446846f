"""Schemas that every app's router shares: the one error shape and the clean text every input schema
takes. They live in `banshi.lib.schemas` so that the routers need not import the API that assembles them."""

from banshi.lib.schemas import Error, Errors, Line, Lines

__all__ = ["Error", "Errors", "Line", "Lines"]

__all__ = ["Error", "Errors"]
