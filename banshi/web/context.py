from banshi.directory.selectors import agency_ids_for_officer


def site(request):
    user = getattr(request, "user", None)
    is_officer = bool(user and user.is_authenticated and agency_ids_for_officer(user=user))
    return {"is_officer": is_officer, "large_text": request.COOKIES.get("large_text") == "1"}
