from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from bench.models import Insert


@csrf_exempt
def insert(request: HttpRequest) -> HttpResponse:
    """The baseline: insert one row, answer a small JSON. No authentication."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    row = Insert.objects.create(note="bench")
    return JsonResponse({"id": row.id}, status=201)
