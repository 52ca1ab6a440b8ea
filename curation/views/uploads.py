"""Curators' uploads: the upload form, one import job's progress page, recent jobs.

The upload form is read with :class:`curation.uploads.UploadLimits` installed before
anything reads the request, so an upload past the limits gets its message on the
form, not a bare 400. Django checks the CSRF token as the request is read, which is
why the view checks it itself (``csrf_protect`` after the handler is installed)
rather than leaving it to the middleware, which would read the request first.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import DetailView, FormView, ListView

from .. import uploads
from ..models import ImportJob
from .base import CuratorRequiredMixin

REFRESH_SECONDS = 2  # the progress page reloads itself this often while the job runs
JOB_STARTED = "Uploaded: the import runs in the background. This page follows it."


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (Django's documented recipe); empty files are allowed: the
    importer says why an empty page is refused."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f] or [None]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Page files, or zip archives of page files",
        error_messages={"required": uploads.NO_FILES},
    )


@method_decorator(csrf_exempt, name="dispatch")  # checked in post(), once the limits watch
class UploadView(CuratorRequiredMixin, FormView):
    template_name = "curation/upload.html"
    form_class = UploadForm

    def post(self, request, *args, **kwargs):
        limits = uploads.UploadLimits(request)
        request.upload_handlers.insert(0, limits)
        return csrf_protect(self._upload)(request, limits)

    def _upload(self, request, limits: uploads.UploadLimits):
        form = self.get_form()
        if limits.refusal:
            form.add_error(None, limits.refusal)
            return self.form_invalid(form)
        if not form.is_valid():
            return self.form_invalid(form)
        try:
            job = uploads.start_import(actor=request.user, files=form.cleaned_data["files"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(request, JOB_STARTED)
        return HttpResponseRedirect(reverse("curation:import-job", args=[job.pk]))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            max_files_text=f"{settings.UPLOAD_MAX_FILES:,}",
            max_bytes=settings.UPLOAD_MAX_BYTES,
            max_bytes_text=f"{settings.UPLOAD_MAX_BYTES:,}",
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")  # a live state: never a stored copy
class ImportJobView(CuratorRequiredMixin, DetailView):
    """One job: its state and progress, reloading itself (``Refresh``) until it ends."""

    template_name = "curation/import_job.html"
    context_object_name = "job"
    queryset = ImportJob.objects.all()

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_finished:
            response["Refresh"] = str(REFRESH_SECONDS)
        return response


class ImportJobsView(CuratorRequiredMixin, ListView):
    template_name = "curation/import_jobs.html"
    context_object_name = "jobs"
    paginate_by = 50
    queryset = ImportJob.objects.defer("problems", "warnings")
