"""Every URL. All need a login except those whose view is marked login_not_required."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, register_converter
from django.views.i18n import set_language

from fordela.web.views import accounts, catalogue, pages, public, start


class UsernameConverter:
    """User names as Django allows them (letters, digits, @.+-_): anything else is no URL here."""

    regex = r"[\w.@+-]{1,150}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UsernameConverter, "username")

urlpatterns = [
    path("health/", pages.health, name="health"),
    path("tillganglighet/", pages.accessibility, name="accessibility"),
    path(
        "login/",
        login_not_required(
            auth_views.LoginView.as_view(
                template_name="web/login.html",
                redirect_authenticated_user=True,
                extra_context={"oidc_enabled": settings.OIDC_ENABLED},
            )
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("oppna-data/", public.opendata_index, name="opendata_index"),
    path("", pages.home, name="home"),
    path("konton/", accounts.account_list, name="accounts"),
    path("konton/<username:username>/", accounts.account_detail, name="account"),
    path("c/<slug:cycle>/", start.start, name="start"),
    path("c/<slug:cycle>/tjanster/", catalogue.catalogue, name="catalogue"),
    path("c/<slug:cycle>/tjanster/<slug:service>/", catalogue.service_detail, name="service"),
    path("c/<slug:cycle>/", include("fordela.web.routes.analysis")),
    path("c/<slug:cycle>/", include("fordela.web.routes.scenarios")),
    path("c/<slug:cycle>/", include("fordela.web.routes.organisations")),
    path("c/<slug:cycle>/", include("fordela.web.routes.consultation")),
    path("c/<slug:cycle>/", include("fordela.web.routes.documents")),
    path("", include("fordela.web.routes.cycles")),
    path("c/<slug:cycle>/", include("fordela.web.routes.catalogue")),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
