"""The task pages. Every action is a plain POST form that redirects back to the
list (post/redirect/get, no JavaScript needed); with htmx (``request.htmx``) the
same view answers with the partials that changed instead."""

import logging
import uuid
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError
from django.http import Http404, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from taskapp.planning import exchange as plan_exchange
from taskapp.tasks import exchange, lists, selectors, services
from taskapp.tasks.models import Status, Task
from ui import planning
from ui.decorators import login_required, post_only, take_draft
from ui.forms import (
    BulkForm,
    ImportForm,
    TaskCreateForm,
    TaskEditForm,
    TaskFilterForm,
    add_service_errors,
)

log = logging.getLogger(__name__)

PAGE_SIZE = 50
ROW_ACTIONS = ("done", "reopen", "trash")  # names of the row buttons in the list
QUERY_DEFAULTS = {"sort": selectors.DEFAULT_SORT, "page": "1"}
TASKS = "ui/tasks.html"
# Views answering with the list's HTML (40 KB for 50 rows) compress it (@gzip_page):
# ingress controllers and proxies do not by default. Django adds random padding to
# the gzip header against BREACH.
STALE_MESSAGE = gettext_lazy("This task was changed elsewhere; reload to see the latest version.")


# --- Helpers ----------------------------------------------------------------------


def _get_task_for_user(request, task_id, write: bool = True, access=None) -> Task:
    """The signed-in user's task (or a shared list's), in the trash or not; a task
    they cannot see is a 404; with ``write``, one they may only view is a 403."""
    try:
        return selectors.get_task(owner=request.user, task_id=task_id, write=write, access=access)
    except Task.DoesNotExist:
        raise Http404 from None


def _mark_read_only(tasks, access: lists.Access) -> list:
    """Set ``read_only`` on each task the user may only view (a viewer of its list):
    its row offers no writes. Decided from the memberships already read, no query."""
    for task in tasks:
        task.read_only = not access.can_write(task.task_list_id, task.owner_id)
    return tasks


def _back_url(request) -> str:
    """Where to return after an action: the list view the form was posted from."""
    candidate = request.POST.get("next") or request.GET.get("next")
    if not candidate and request.htmx:
        candidate = request.htmx.current_url_abs_path
    if not candidate:
        # A plain link (Edit without JavaScript): back to the page it was on.
        referer = urlsplit(request.META.get("HTTP_REFERER", ""))
        same_host = referer.netloc == request.get_host()
        query = f"?{referer.query}" if referer.query else ""
        candidate = referer.path + query if same_host else ""
    safe = candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if safe else reverse("tasks")


def _clean_query(query: QueryDict) -> QueryDict:
    """The view's parameters as its URL shows them: without empty and default values
    (a submitted filter form sends every field, ``?q=&status=&sort=-created``)."""
    clean = QueryDict(mutable=True)
    for key, values in query.lists():
        kept = [value for value in values if value and value != QUERY_DEFAULTS.get(key)]
        if kept:
            clean.setlist(key, kept)
    return clean


def _url_of(path: str, query: QueryDict) -> str:
    return f"{path}?{query.urlencode()}" if query else path


def _list_context(request, query: QueryDict, *, trash: bool = False) -> dict:
    """Everything the list (or the trash) needs: one fixed set of queries, whatever
    the number of tasks, lists or members (one read of the user's memberships
    serves them all)."""
    access = lists.Access.of(request.user)
    tags = selectors.owner_tags(owner=request.user, access=access)
    form = TaskFilterForm(query, tags=tags)
    filters = form.to_filter(trash=trash)
    try:
        tasks = selectors.task_list(owner=request.user, filters=filters, access=access)
    except lists.TaskList.DoesNotExist:
        raise Http404 from None
    sidebar = lists.lists_with_counts(request.user, access=access)
    current = next((item for item in sidebar if item.pk == filters.list_id), None)
    page = Paginator(tasks, PAGE_SIZE).get_page(query.get("page"))
    params = _clean_query(query)
    params.pop("page", None)
    here = _url_of(request.path, _clean_query(request.GET))
    rows = _mark_read_only(planning.annotate_rows(page.object_list), access)
    return {
        "filter_form": form,
        "page": page,
        "tasks": rows,
        "any_writable": any(not task.read_only for task in rows),
        "counts": selectors.task_counts(owner=request.user, access=access),
        "lists": sidebar,
        "current_list": current,
        "writable_lists": [item for item in sidebar if item.role != "viewer"],
        "query": params.urlencode(),
        "tag_query": _tag_query(params),
        "next": here if request.method == "GET" else _back_url(request),
    }


def _query_of(url: str) -> QueryDict:
    return QueryDict(urlsplit(url).query)


def _tag_query(query: QueryDict) -> str:
    """What a row's tag link puts before ``tag=``: the view's other filters (the
    page starts again at 1), so a tag narrows the current view."""
    others = _clean_query(query)
    for key in ("tag", "page"):
        others.pop(key, None)
    return f"{others.urlencode()}&" if others else ""


def _row_context(request, task: Task, read_only: bool = False, **extra) -> dict:
    """What one row rendered alone (htmx) needs: its task and the list it is in.
    After a write the user may write it; ``read_only`` for a row only shown."""
    back = _back_url(request)
    planning.annotate_rows([task])
    task.read_only = read_only
    return {"task": task, "next": back, "tag_query": _tag_query(_query_of(back)), **extra}


def _render_parts(request, *parts: str, context: dict, status: int = 200) -> HttpResponse:
    """Several partials of the list template in one htmx response (main + out-of-band)."""
    html = "".join(render_to_string(f"{TASKS}#{part}", context, request) for part in parts)
    response = HttpResponse(html, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _onto_row(response: HttpResponse, task: Task) -> HttpResponse:
    """Rows post #bulk, whose target is the whole list; put the answer onto the row
    instead: the list item holding the task's Select box (rows carry no id of their own)."""
    return reswap(retarget(response, f'li:has(>[value="{task.id.hex}"])'), "outerHTML")


def _counts_context(request, **extra) -> dict:
    return {"counts": selectors.task_counts(owner=request.user), "oob": True, **extra}


def _retrying_stale(request, task: Task, change) -> Task | None:
    """``change(task)``, read again and retried once if the task changed between
    reading and writing (StaleVersion). A click on Done, Delete or Restore means the
    same on the newer version. None if it kept changing (the caller says so)."""
    for _attempt in range(2):
        try:
            change(task)
        except services.StaleVersion:
            task = _get_task_for_user(request, task.id)
        else:
            return task
    return None


def _stale(request) -> HttpResponse:
    """The answer to an action on a task that kept changing: nothing changed, and
    the message says why (htmx: messages out of band, nothing else swapped)."""
    messages.error(request, STALE_MESSAGE)
    if not request.htmx:
        return redirect(_back_url(request))
    response = _render_parts(request, "messages", context={"oob": True}, status=409)
    return reswap(response, "none")


# --- The list ---------------------------------------------------------------------


@gzip_page
@login_required
@require_GET
def task_list(request):
    clean = _clean_query(request.GET)
    clean_url = _url_of(request.path, clean)
    if not request.htmx and list(clean.lists()) != list(request.GET.lists()):
        return redirect(clean_url)  # the filter form without JavaScript sends every field
    context = _list_context(request, request.GET)
    # A title typed before the session expired comes back into the add box.
    draft = take_draft(request, reverse("task-create"))
    context["create_form"] = TaskCreateForm(initial={"title": (draft or {}).get("title", "")})
    context["undo"] = request.session.pop("undo", None)
    context["quick_added"] = request.session.pop("quick_added", None)
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, f"{TASKS}#task-list", context)
        response["HX-Push-Url"] = clean_url  # what the address bar and history keep
    else:
        response = render(request, TASKS, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@gzip_page
@login_required(keep_draft="list")
@post_only("tasks")
def task_create(request):
    form = TaskCreateForm(request.POST)
    quick_added = None
    if form.is_valid():
        try:
            if request.POST.get("quick"):
                _, quick_added = planning.quick_create(
                    request, form.cleaned_data["title"], default_list=form.cleaned_data.get("list")
                )
            else:
                services.task_create(
                    owner=request.user,
                    title=form.cleaned_data["title"],
                    list=form.cleaned_data.get("list"),
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if not form.is_valid():
        return _create_failed(request, form)
    if not request.htmx:
        if quick_added:
            request.session["quick_added"] = quick_added
        return redirect(_back_url(request))
    context = _list_context(request, _query_of(_back_url(request)))
    parts = ("task-list", "counts", "notice") if quick_added else ("task-list", "counts")
    context = {**context, "oob": True, "quick_added": quick_added}
    return _render_parts(request, *parts, context=context)


def _create_failed(request, form):
    if request.htmx:
        context = {"create_form": form, "next": _back_url(request)}
        response = _render_parts(request, "create-form", context=context, status=422)
        return reswap(retarget(response, "#create-form"), "outerHTML")
    context = _list_context(request, _query_of(_back_url(request)))
    return render(request, TASKS, {**context, "create_form": form}, status=422)


# --- One task ---------------------------------------------------------------------


@login_required
@require_GET
def task_row(request, task_id):
    """One row as shown in the list (htmx: what Cancel puts back)."""
    access = lists.Access.of(request.user)
    task = _get_task_for_user(request, task_id, write=False, access=access)
    if not request.htmx:
        return redirect(_back_url(request))
    read_only = not access.can_write(task.task_list_id, task.owner_id)
    context = _row_context(request, task, read_only=read_only)
    return _render_parts(request, "task-row", context=context)


@login_required(keep_draft="page")
@require_http_methods(["GET", "POST"])
def task_edit(request, task_id):
    access = lists.Access.of(request.user)
    task = _get_task_for_user(request, task_id, write=False, access=access)
    if not access.can_write(task.task_list_id, task.owner_id):
        return _task_view(request, task)
    if request.method == "POST":
        form = TaskEditForm(request.POST).with_lists(_writable_lists(request))
    else:
        form = _edit_form(request, task)
    status = 200
    if request.method == "POST" and form.is_valid():
        before = planning.before_write(task)
        try:
            services.task_update(
                task=task,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                **_edit_fields(form.cleaned_data),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except services.StaleVersion:
            # Saved meanwhile in another tab or by the API: never overwrite it
            # silently. The form keeps what was typed (and the version it was based on).
            form.add_error(None, STALE_MESSAGE)
            status = 409
        else:
            planning.after_write(task, before)
            if not request.htmx:
                return redirect(_back_url(request))
            context = _counts_context(request, **_row_context(request, task))
            return _render_parts(request, "task-row", "counts", context=context)
    if form.errors and status == 200:
        status = 422
    context = {"task": task, "form": form, "next": _back_url(request)}
    if request.htmx:
        return _render_parts(request, "task-edit", context=context, status=status)
    return render(request, "ui/task_edit.html", context, status=status)


def _task_view(request, task: Task) -> HttpResponse:
    """The task page of someone who may only view it: its fields, read-only, and
    no form (their writes are refused: 403)."""
    if request.method != "GET":
        raise PermissionDenied(_("You can only view this list."))
    if request.htmx:  # the row has no Edit for them; a stale page gets the whole page
        return HttpResponseClientRedirect(request.get_full_path())
    context = {"task": task, "next": _back_url(request)}
    return render(request, "ui/task_view.html", context)


def _edit_form(request, task: Task) -> TaskEditForm:
    """The task's fields, or what was typed into them before the session expired
    (with the version it was based on, so a change made meanwhile is not overwritten)."""
    draft = take_draft(request, request.path)
    form = TaskEditForm(initial=draft) if draft else TaskEditForm.for_task(task)
    return form.with_lists(_writable_lists(request))


def _writable_lists(request) -> list[tuple]:
    """(id, name) of the lists the user may put a task into."""
    return [
        (item.pk, item.name)
        for item in lists.lists_with_counts(request.user)
        if item.role != "viewer"
    ]


def _edit_fields(cleaned: dict) -> dict:
    return {
        "title": cleaned["title"],
        "description": cleaned["description"],
        "priority": cleaned["priority"],
        "due_date": cleaned["due_date"],
        "tags": cleaned["tags"],
        "list": cleaned.get("list") or None,
    }


@gzip_page
@login_required
@post_only("tasks")
def task_actions(request):
    """What the list's one form (#bulk) posts. A row's button names its action and
    carries the task id (``done=<id>``, ``reopen=<id>``, ``trash=<id>``); the bulk
    buttons post ``action`` for the ticked ``ids``. Rows need no URLs of their own."""
    pressed = next(
        ((name, request.POST[name]) for name in ROW_ACTIONS if name in request.POST), None
    )
    if pressed is None:
        return _tasks_bulk(request)
    action, raw_id = pressed
    task = _get_task_for_user(request, _task_id_or_404(raw_id))
    if action == "trash":
        return _trash_task(request, task)
    return _set_status(request, task, Status.DONE if action == "done" else Status.OPEN)


def _task_id_or_404(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise Http404 from None  # like a malformed id in a URL


def _set_status(request, task: Task, status: str):
    """The Done checkbox: its value says the state wanted (not "flip"), so a repeated
    or stale click cannot undo itself."""
    before = planning.before_write(task)
    task = _retrying_stale(
        request, task, lambda t: services.task_set_status(task=t, status=status, by=request.user)
    )
    if task is None:
        return _stale(request)
    planning.after_write(task, before)
    if not request.htmx:
        return redirect(_back_url(request))
    context = _counts_context(request, **_row_context(request, task))
    return _onto_row(_render_parts(request, "task-row", "counts", context=context), task)


def _trash_task(request, task: Task):
    """Move to the trash; the row goes at once and an Undo notice appears."""
    if (
        _retrying_stale(request, task, lambda t: services.task_trash(task=t, by=request.user))
        is None
    ):
        return _stale(request)
    undo = {"id": str(task.id), "title": task.title}
    if not request.htmx:
        request.session["undo"] = undo
        return redirect(_back_url(request))
    # 200 with an empty main part: htmx swaps the row away (a 204 would swap nothing).
    context = _counts_context(request, undo=undo, next=_back_url(request))
    return _onto_row(_render_parts(request, "counts", "notice", context=context), task)


@gzip_page
@login_required
@post_only("tasks")
def task_undo(request, task_id):
    """Undo a delete: restore and show the list as it was."""
    task = _get_task_for_user(request, task_id)
    if (
        _retrying_stale(request, task, lambda t: services.task_restore(task=t, by=request.user))
        is None
    ):
        return _stale(request)
    if not request.htmx:
        return redirect(_back_url(request))
    context = _list_context(request, _query_of(_back_url(request)))
    return _render_parts(request, "task-list", "counts", "notice", context={**context, "oob": True})


@gzip_page
@login_required
@post_only("tasks")
def task_keep_typed(request, task_id):
    """Quick add guessed wrong: the line as typed becomes the title again (the
    notice's "Keep as typed"; ui.planning.keep_typed) and the notice goes."""
    planning.keep_typed(request, task_id)
    if not request.htmx:
        return redirect(_back_url(request))
    context = {**_list_context(request, _query_of(_back_url(request))), "oob": True}
    return _render_parts(request, "task-list", "counts", "notice", "messages", context=context)


def _tasks_bulk(request):
    form = BulkForm(request.POST)
    undo = None
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            result = services.tasks_bulk(
                owner=request.user,
                ids=form.cleaned_data["ids"],
                action=action,
                list_id=form.cleaned_data.get("list"),
            )
        except ValidationError as exc:
            result = None
            messages.error(request, " ".join(exc.messages))
        if result is not None:
            planning.after_bulk(request, action, result.touched)
        if result is None:
            pass
        elif action == "trash" and result.touched:
            # Like a single Delete: an Undo notice (it restores exactly these tasks).
            ids = [pk.hex for pk in result.touched]
            undo = {"ids": ids, "title": _bulk_message(action, len(ids))}
        else:
            messages.success(request, _bulk_message(action, len(result.touched)))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    if not request.htmx:
        if undo:
            request.session["undo"] = undo
        return redirect(_back_url(request))
    context = _list_context(request, _query_of(_back_url(request)))
    # The notice too: it shows the new Undo, or hides an Undo that was just used.
    return _render_parts(
        request,
        "task-list",
        "counts",
        "messages",
        "notice",
        context={**context, "oob": True, "undo": undo},
    )


def _bulk_message(action: str, count: int) -> str:
    if action == "done":
        return ngettext("Marked %(count)d task done.", "Marked %(count)d tasks done.", count) % {
            "count": count
        }
    if action == "restore":
        return ngettext("Restored %(count)d task.", "Restored %(count)d tasks.", count) % {
            "count": count
        }
    if action == "move":
        return ngettext("Moved %(count)d task.", "Moved %(count)d tasks.", count) % {"count": count}
    return ngettext(
        "Moved %(count)d task to the trash.", "Moved %(count)d tasks to the trash.", count
    ) % {"count": count}


# --- Trash ------------------------------------------------------------------------


@gzip_page
@login_required
@require_GET
def trash(request):
    context = _list_context(request, request.GET, trash=True)
    response = render(request, "ui/trash.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _after_trash_action(request):
    if not request.htmx:
        return redirect(_back_url(request) if "next" in request.POST else reverse("trash"))
    return _render_parts(request, "counts", "messages", context=_counts_context(request))


@login_required
@post_only("trash")
def task_restore(request, task_id):
    task = _get_task_for_user(request, task_id)
    if (
        _retrying_stale(request, task, lambda t: services.task_restore(task=t, by=request.user))
        is None
    ):
        return _stale(request)
    messages.success(request, _("“%(title)s” restored.") % {"title": task.title})
    return _after_trash_action(request)


@login_required
@post_only("trash")
def task_delete_forever(request, task_id):
    """Delete for good, after a confirmation: with JavaScript the browser's confirm
    dialog (hx-confirm; the button then sends ``confirm``), without it this view
    first answers with a page that asks."""
    task = _get_task_for_user(request, task_id)
    if not request.POST.get("confirm"):
        context = {"task": task, "next": _back_url(request)}
        return render(request, "ui/purge_confirm.html", context)
    if _retrying_stale(request, task, lambda t: services.task_delete_forever(task=t)) is None:
        return _stale(request)
    messages.success(request, _("“%(title)s” deleted for good.") % {"title": task.title})
    return _after_trash_action(request)


# --- Import and export ------------------------------------------------------------


@login_required
@require_GET
def export(request):
    fmt = request.GET.get("format", "json")
    if fmt not in exchange.FORMATS:
        raise Http404
    tasks = selectors.task_list(owner=request.user)
    # Streamed: the rows are read and written in chunks (constant memory).
    if fmt == "csv":
        body, content_type = plan_exchange.iter_export_csv(tasks), "text/csv; charset=utf-8"
    else:
        body, content_type = plan_exchange.iter_export_json(tasks), "application/json"
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="tasks.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_tasks(request):
    if request.method == "POST":
        files = request.FILES  # parsed now: config.uploads flags a file over the cap
        too_large = getattr(request, "upload_too_large", False)
        form = ImportForm(request.POST, files, too_large=too_large)
    else:
        form = ImportForm()
    row_errors, status = {}, None
    if request.method == "POST" and form.is_valid():
        try:
            created = plan_exchange.tasks_import(owner=request.user, rows=form.cleaned_data["file"])
        except services.ImportRejected as exc:
            row_errors = exc.errors
        except services.ImportForbidden as exc:
            row_errors, status = exc.errors, 403
            form.add_error("file", str(exc))
        except DatabaseError:
            # A write failed midway; the import took back what it had written.
            log.warning("import failed while writing; taken back", exc_info=True)
            status = 503
            form.add_error(
                "file",
                _("The import could not be saved; nothing was imported. Try again in a moment."),
            )
        else:
            messages.success(
                request,
                ngettext("Imported %(count)d task.", "Imported %(count)d tasks.", len(created))
                % {"count": len(created)},
            )
            return redirect("tasks")
    status = status or (422 if (form.errors or row_errors) else 200)
    if form.has_error("file", "too_large"):
        status = 413
    context = {"form": form, "row_errors": sorted(row_errors.items())}
    return render(request, "ui/import.html", context, status=status)
