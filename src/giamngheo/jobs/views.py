from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from giamngheo.jobs import files, kinds, selectors, services
from giamngheo.jobs.models import Job


def _label(job: Job) -> str:
    try:
        return str(kinds.get_kind(job.kind).label)
    except kinds.UnknownJobKindError:
        return job.kind


def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(selectors.jobs_visible_to(request.user)[:50])
    return render(request, "jobs/list.html", {"rows": [(job, _label(job)) for job in jobs]})


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    try:
        page = kinds.get_kind(job.kind).page
    except kinds.UnknownJobKindError:
        page = None
    if page:
        return redirect(page, pk=job.pk)
    return render(request, "jobs/detail.html", {"job": job, "label": _label(job)})


def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx every second until the job ends. With ``reload=1``
    the page that embeds it is reloaded once the job ends (to show the result)."""
    job = selectors.job_for(request.user, pk)
    reload = request.GET.get("reload") == "1"
    response = render(request, "jobs/_progress.html", {"job": job, "reload": reload})
    if reload and job.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def job_download(request: HttpRequest, pk: int, name: str) -> FileResponse:
    job = selectors.job_for(request.user, pk)
    relative = (job.outputs or {}).get(name)
    if not relative:
        raise Http404
    try:
        path = files.resolve(relative)
    except ValueError as error:
        raise Http404 from error
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_for(request.user, pk)
    try:
        services.job_cancel(actor=request.user, job=job)
    except services.JobError as error:
        messages.error(request, str(error))
    return redirect("jobs:detail", pk=job.pk)
