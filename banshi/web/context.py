from banshi.directory.selectors import agency_ids_for_officer, window_for_clerk


def site(request):
    user = getattr(request, "user", None)
    is_officer = bool(user and user.is_authenticated and agency_ids_for_officer(user=user))
    is_clerk = bool(user and user.is_authenticated and window_for_clerk(user=user))
    return {
        "is_officer": is_officer,
        "is_clerk": is_clerk,
        "large_text": request.COOKIES.get("large_text") == "1",
    }
