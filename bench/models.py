from django.db import models


class Insert(models.Model):
    """One row per request of the baseline endpoint: the cheapest write Django can do over HTTP."""

    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=40, blank=True, default="")

    def __str__(self) -> str:
        return f"insert {self.pk}"
