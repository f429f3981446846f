"""Schemas that every app's router shares. The error shape lives in `banshi.lib.schemas` so that the
routers need not import the API that assembles them."""

from banshi.lib.schemas import Error, Errors

__all__ = ["Error", "Errors"]
