"""Documents (made in the background, with progress), open data, invoicing and outcome;
included under c/<cycle>/ by fordela.urls."""

from django.urls import path

from fordela.web.views import billing, documents, outcome, reversal

urlpatterns = [
    path("dokument/", documents.documents, name="documents"),
    path("dokument/skapa/", documents.document_start, name="document_start"),
    path("dokument/jobb/<slug:job>/", documents.document_job, name="document_job"),
    path("dokument/jobb/<slug:job>/status/", documents.document_progress, name="document_progress"),
    path("dokument/jobb/<slug:job>/hamta/", documents.document_download, name="document_download"),
    path("oppna-data/", documents.opendata, name="opendata"),
    path("oppna-data/<str:filename>", documents.opendata_file, name="opendata_file"),
    path("fakturering/", billing.invoicing, name="invoicing"),
    path("fakturering/export/", billing.invoicing_export, name="invoicing_export"),
    path("fakturering/las/", billing.invoicing_freeze, name="invoicing_freeze"),
    path("fakturering/kontrollera/", billing.invoicing_verify, name="invoicing_verify"),
    path("fakturering/sie/", billing.invoicing_sie, name="invoicing_sie"),
    path("fakturering/aterfor/", reversal.invoicing_reverse, name="invoicing_reverse"),
    path("utfall/", outcome.outcome, name="outcome"),
]
