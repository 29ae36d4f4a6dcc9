"""Every URL. All need a login except those whose view is marked login_not_required."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from fordela.web.views import catalogue, pages, start

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
    path("", pages.home, name="home"),
    path("c/<slug:cycle>/", start.start, name="start"),
    path("c/<slug:cycle>/tjanster/", catalogue.catalogue, name="catalogue"),
    path("c/<slug:cycle>/tjanster/<slug:service>/", catalogue.service_detail, name="service"),
    path("c/<slug:cycle>/", include("fordela.web.routes.analysis")),
    path("c/<slug:cycle>/", include("fordela.web.routes.scenarios")),
    path("c/<slug:cycle>/", include("fordela.web.routes.organisations")),
    path("c/<slug:cycle>/", include("fordela.web.routes.consultation")),
    path("c/<slug:cycle>/", include("fordela.web.routes.documents")),
    path("c/<slug:cycle>/", include("fordela.web.routes.catalogue")),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
