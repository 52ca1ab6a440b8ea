"""The curators' pages, under /curation/ (views in ``curation.views``)."""

from django.urls import path

from . import views

app_name = "curation"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("pages/", views.PageQueueView.as_view(), name="page-queue"),
    path("pages/accept-confident/", views.AcceptConfidentView.as_view(), name="accept-confident"),
    path("pages/<int:pk>/assign/", views.PageAssignView.as_view(), name="page-assign"),
    path("pages/<int:pk>/unassign/", views.PageUnassignView.as_view(), name="page-unassign"),
    path("pages/<int:pk>/not-this-author/", views.PageRejectView.as_view(), name="page-reject"),
    path("papers/duplicates/", views.PaperDuplicatesView.as_view(), name="paper-duplicates"),
    path("papers/merge/", views.MergePapersView.as_view(), name="merge-papers"),
    path("papers/<slug:slug>/edit/", views.EditPaperView.as_view(), name="edit-paper"),
    path("authors/duplicates/", views.AuthorDuplicatesView.as_view(), name="author-duplicates"),
    path("authors/mixed/", views.MixedProfilesView.as_view(), name="mixed-profiles"),
    path("authors/merge/", views.MergeAuthorsView.as_view(), name="merge-authors"),
    path("authors/<slug:slug>/split/", views.SplitAuthorView.as_view(), name="split-author"),
    path("authors/<slug:slug>/edit/", views.EditAuthorView.as_view(), name="edit-author"),
    path("dismiss/", views.DismissView.as_view(), name="dismiss"),
    path("reports/", views.ReportQueueView.as_view(), name="reports"),
    path("reports/<int:pk>/", views.ReportView.as_view(), name="report"),
    path("history/", views.HistoryView.as_view(), name="history"),
    path("history/<int:pk>/", views.ActionDetailView.as_view(), name="action-detail"),
    path("history/<int:pk>/undo/", views.UndoView.as_view(), name="undo"),
    path("imports/", views.ImportJobsView.as_view(), name="import-jobs"),
    path("imports/new/", views.UploadView.as_view(), name="upload"),
    path("imports/<int:pk>/", views.ImportJobView.as_view(), name="import-job"),
]
