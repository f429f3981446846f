from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, bool]:
    return {"large_text": request.COOKIES.get("large_text") == "1", "demo": settings.DEMO}
