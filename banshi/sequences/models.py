from django.db import models


class Counter(models.Model):
    """A named sequence (application numbers, document numbers, queue tickets…), safe under concurrent
    writers. The table keeps the name it had when the model belonged to cases."""

    key = models.CharField(max_length=80, unique=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        db_table = "cases_counter"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
