from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from banshi.accounts.services import SignupError, resident_signup
from banshi.web.forms import LoginForm, SignupForm, problem_text
from banshi.web.views.site import safe_next


class Login(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


def signup(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = resident_signup(
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )
        except SignupError as exc:
            form.add_error(exc.field, problem_text(str(form.fields[exc.field].label), _(exc.message)))
        else:
            login(request, user, backend="banshi.accounts.backends.UsernameOrPhoneBackend")
            return redirect(safe_next(request))
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "registration/signup.html", {"form": form, "next": safe_next(request, "")}, status=status
    )
