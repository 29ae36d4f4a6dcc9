"""Routes of the annual analysis (proposals and their review) and the cycle's history; under c/<cycle>/."""

from django.urls import path

from fordela.web.views import analysis, history, proposal_edit, proposal_review, texts

urlpatterns = [
    path("forslag/", analysis.proposals, name="proposals"),
    path("nytt-forslag/", proposal_edit.proposal_new, name="proposal_new"),
    path("forslag/<slug:proposal>/", analysis.proposal, name="proposal"),
    path("forslag/<slug:proposal>/andra/", proposal_edit.proposal_edit, name="proposal_edit"),
    path("forslag/<slug:proposal>/skicka/", proposal_edit.proposal_submit, name="proposal_submit"),
    path("forslag/<slug:proposal>/ta-bort/", proposal_edit.proposal_delete, name="proposal_delete"),
    path("forslag/<slug:proposal>/aterstall/", proposal_edit.proposal_restore, name="proposal_restore"),
    path("forslag/<slug:proposal>/granskning/<slug:stage>/", proposal_review.proposal_review, name="proposal_review"),
    path("historik/", history.history, name="history"),
    path("arlig-analys/<slug:supplier>/text/", texts.analysis_text, name="analysis_text"),
]
