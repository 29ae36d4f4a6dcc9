"""My organisation, the key simulator and the outlook; included under c/<cycle>/ by fordela.urls."""

from django.urls import path

from fordela.web.views import organisations

urlpatterns = [
    path("organisation/", organisations.organisation_home, name="organisation_home"),
    path("organisation/<slug:organisation>/", organisations.organisation, name="organisation"),
    path("nyckelsimulator/", organisations.simulator, name="simulator"),
    path("prognos/", organisations.outlook, name="outlook"),
]
