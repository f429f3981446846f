from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    """0.8765 → 87.7%; no rate (nothing to divide by) → –."""
    if rate is None:
        return "–"
    return f"{number_format(rate * 100, 1)}%"


@register.filter
def hours(minutes: float | None) -> str:
    """Minutes as hours with one decimal; none → –."""
    if minutes is None:
        return "–"
    return number_format(minutes / 60, 1)
