from django.db.models.signals import post_delete, post_save

from banshi.directory.models import Agency, Area
from banshi.directory.selectors import clear_reference_cache

for model in (Area, Agency):
    post_save.connect(clear_reference_cache, sender=model, dispatch_uid=f"clear-cache-{model.__name__}-save")
    post_delete.connect(
        clear_reference_cache, sender=model, dispatch_uid=f"clear-cache-{model.__name__}-delete"
    )
