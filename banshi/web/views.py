from django.http import HttpResponse


def home(request):
    return HttpResponse("Banshi")


def application_detail(request, number):
    return HttpResponse(number)
