"""Consultation routes; included under c/<cycle>/ by fordela.urls."""

from django.urls import path

from fordela.web.views import consultation

urlpatterns = [
    path("samrad/", consultation.threads, name="threads"),
    path("samrad/ny/", consultation.thread_new, name="thread_new"),
    path("samrad/<int:thread>/", consultation.thread, name="thread"),
    path("samrad/<int:thread>/svar/", consultation.thread_reply, name="thread_reply"),
    path("samrad/<int:thread>/lost/", consultation.thread_resolve, name="thread_resolve"),
]
