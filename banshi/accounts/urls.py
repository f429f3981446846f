from django.contrib.auth.views import LogoutView
from django.urls import path

from banshi.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.Login.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/password/", views.password_code, name="password_code"),
    path("accounts/password/set/", views.password_set, name="password_set"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
