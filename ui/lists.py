"""The lists pages: make, rename, colour, archive, delete and restore lists; share
them. Plain POST forms with post/redirect/get: all of it works without JavaScript.
Access goes through taskapp.tasks.lists.get_list (404 for a list one is not in,
403 for a member asking more than their role allows)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from taskapp.tasks import lists
from ui.decorators import login_required
from ui.forms import COLOUR_CHOICES, InviteForm, ListForm, TransferForm, add_service_errors


def _list_or_404(request, list_id, need=lists.READ):
    try:
        return lists.get_list(request.user, list_id, need)
    except lists.TaskList.DoesNotExist:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def list_index(request):
    """Every list of the user's, with a form to make one."""
    form = ListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task_list = lists.list_create(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("List “%(name)s” created.") % {"name": task_list.name})
            return redirect("list-index")
    access = lists.Access.of(request.user)
    context = {
        "form": form,
        "active": lists.lists_with_counts(request.user, access=access),
        "archived": lists.lists_with_counts(request.user, access=access, archived=True),
        "deleted": lists.deleted_lists(request.user),
        "colours": COLOUR_CHOICES,
    }
    return render(request, "ui/lists.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def list_update(request, list_id):
    """Rename and recolour (the form), or archive/unarchive (its buttons)."""
    task_list = _list_or_404(request, list_id, lists.OWN)
    form = ListForm(request.POST)
    changes = {}
    if "archive" in request.POST or "unarchive" in request.POST:
        changes["archived"] = "archive" in request.POST
    elif form.is_valid():
        changes = form.cleaned_data
    try:
        if changes:
            lists.list_update(task_list=task_list, **changes)
            messages.success(request, _("List “%(name)s” saved.") % {"name": task_list.name})
        else:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("list-index")


@login_required
@require_http_methods(["GET", "POST"])
def list_delete(request, list_id):
    """Ask first (a page of its own: no JavaScript needed), then move the list and its
    tasks to the trash."""
    task_list = _list_or_404(request, list_id, lists.OWN)
    if request.method == "GET" or not request.POST.get("confirm"):
        return render(request, "ui/list_delete.html", {"task_list": task_list})
    try:
        count = lists.list_delete(task_list=task_list)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("List “%(name)s” and its %(count)d open or done tasks moved to the trash.")
            % {"name": task_list.name, "count": count},
        )
    return redirect("list-index")


@login_required
@require_POST
def list_restore(request, list_id):
    task_list = _list_or_404(request, list_id, lists.OWN)
    lists.list_restore(task_list=task_list)
    messages.success(request, _("List “%(name)s” restored.") % {"name": task_list.name})
    return redirect("list-index")


# --- Sharing ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def list_share(request, list_id):
    """Members of a list; its owner invites (by username), removes and hands over."""
    task_list = _list_or_404(request, list_id)
    is_owner = task_list.owner_id == request.user.pk
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        task_list = _list_or_404(request, list_id, lists.OWN)
        if form.is_valid():
            try:
                lists.member_invite(task_list=task_list, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("“%(name)s” now shares this list.") % {"name": form.cleaned_data["username"]},
                )
                return redirect("list-share", list_id=task_list.pk)
    context = {
        "task_list": task_list,
        "is_owner": is_owner,
        "members": lists.list_members(task_list),
        "form": form,
        "transfer_form": TransferForm(),
    }
    return render(request, "ui/list_share.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def member_remove(request, list_id):
    """The owner removes a member, or a member leaves (removes themselves)."""
    username = request.POST.get("username", "")
    leaving = username == request.user.get_username()
    task_list = _list_or_404(request, list_id, lists.READ if leaving else lists.OWN)
    if not lists.member_remove(task_list=task_list, username=username):
        raise Http404
    if leaving:
        messages.success(request, _("You left “%(name)s”.") % {"name": task_list.name})
        return redirect("list-index")
    messages.success(request, _("“%(name)s” removed.") % {"name": username})
    return redirect("list-share", list_id=task_list.pk)


@login_required
@require_POST
def list_transfer(request, list_id):
    task_list = _list_or_404(request, list_id, lists.OWN)
    form = TransferForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose the member who becomes the owner."))
        lists.list_transfer(task_list=task_list, username=form.cleaned_data["username"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("“%(name)s” now owns this list.") % {"name": form.cleaned_data["username"]}
        )
    return redirect("list-share", list_id=task_list.pk)
