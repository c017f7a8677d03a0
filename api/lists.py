"""/api/v1/lists: the caller's lists, shared lists, their members.

Access is decided by taskapp.tasks.lists.get_list: a list the caller is not in
answers 404 (as a missing one), a write their role does not allow 403.
"""

from uuid import UUID

from django.http import HttpResponse
from ninja import Query, Router

from api import schemas
from api.render import json_response
from taskapp.tasks import lists

router = Router(tags=["lists"])

ERRORS = {code: schemas.ErrorOut for code in (400, 401, 403, 404, 405, 409, 415, 422, 429, 503)}


def _user(request):
    return request.auth.user


def list_dict(request, task_list) -> dict:
    return {
        "id": str(task_list.pk),
        "url": request.build_absolute_uri(f"/api/v1/lists/{task_list.pk}"),
        "name": task_list.name,
        "colour": task_list.colour,
        "inbox": task_list.is_inbox,
        "owner": task_list.owner.get_username(),
        "role": task_list.role,
        "open_count": task_list.open_count,
        "archived": task_list.is_archived,
        "deleted_at": task_list.deleted_at.isoformat() if task_list.deleted_at else None,
    }


def _one(request, task_list, status=200):
    lists.annotate_one(_user(request), task_list)
    return json_response(list_dict(request, task_list), status=status)


@router.get("/lists", response={200: schemas.ListPage, **ERRORS}, url_name="list_list")
def list_lists(request, query: Query[schemas.ListQuery]):
    """Your lists (the Inbox first) and the lists shared with you, with open counts."""
    user = _user(request)
    if query.trash:
        items = [lists.annotate_one(user, item) for item in lists.deleted_lists(user)]
    else:
        items = lists.lists_with_counts(user, archived=query.archived)
    return json_response({"items": [list_dict(request, item) for item in items]})


@router.post("/lists", response={201: schemas.ListOut, **ERRORS}, url_name="list_create")
def create_list(request, payload: schemas.ListIn):
    """Make a list."""
    task_list = lists.list_create(owner=_user(request), **payload.model_dump())
    response = _one(request, task_list, status=201)
    response["Location"] = request.build_absolute_uri(f"/api/v1/lists/{task_list.pk}")
    return response


@router.get("/lists/{list_id}", response={200: schemas.ListOut, **ERRORS}, url_name="list_detail")
def get_list(request, list_id: UUID):
    """One list you own or are a member of."""
    return _one(request, lists.get_list(_user(request), list_id))


@router.patch("/lists/{list_id}", response={200: schemas.ListOut, **ERRORS}, url_name="list_patch")
def update_list(request, list_id: UUID, payload: schemas.ListPatch):
    """Rename, recolour, archive or unarchive a list of yours."""
    task_list = lists.get_list(_user(request), list_id, lists.OWN)
    lists.list_update(task_list=task_list, **payload.model_dump(exclude_unset=True))
    return _one(request, task_list)


@router.delete("/lists/{list_id}", response={204: None, **ERRORS}, url_name="list_delete")
def delete_list(request, list_id: UUID):
    """Move a list of yours to the trash with its tasks (restore with .../restore)."""
    lists.list_delete(task_list=lists.get_list(_user(request), list_id, lists.OWN))
    return HttpResponse(status=204)


@router.post(
    "/lists/{list_id}/restore", response={200: schemas.ListOut, **ERRORS}, url_name="list_restore"
)
def restore_list(request, list_id: UUID):
    """Bring a deleted list back with the tasks it took to the trash."""
    task_list = lists.get_list(_user(request), list_id, lists.OWN)
    lists.list_restore(task_list=task_list)
    return _one(request, task_list)


# --- Members ----------------------------------------------------------------------


def _members(request, task_list):
    return json_response(
        {
            "owner": task_list.owner.get_username(),
            "items": [
                {
                    "username": member.user.get_username(),
                    "role": member.role,
                    "added_at": member.created_at.isoformat(),
                }
                for member in lists.list_members(task_list)
            ],
        }
    )


@router.get(
    "/lists/{list_id}/members", response={200: schemas.MemberPage, **ERRORS}, url_name="members"
)
def list_members(request, list_id: UUID):
    """Who the list is shared with (members see each other)."""
    return _members(request, lists.get_list(_user(request), list_id))


@router.post(
    "/lists/{list_id}/members",
    response={200: schemas.MemberPage, **ERRORS},
    url_name="member_invite",
)
def invite_member(request, list_id: UUID, payload: schemas.MemberIn):
    """Share your list with a user by username (or change their role)."""
    task_list = lists.get_list(_user(request), list_id, lists.OWN)
    lists.member_invite(task_list=task_list, **payload.model_dump())
    return _members(request, task_list)


@router.delete(
    "/lists/{list_id}/members/{username}",
    response={204: None, **ERRORS},
    url_name="member_remove",
)
def remove_member(request, list_id: UUID, username: str):
    """Remove a member (the owner), or leave the list (a member naming themselves)."""
    user = _user(request)
    leaving = username == user.get_username()
    task_list = lists.get_list(user, list_id, lists.READ if leaving else lists.OWN)
    if not lists.member_remove(task_list=task_list, username=username):
        raise task_list.DoesNotExist("Not a member.")
    return HttpResponse(status=204)


@router.post(
    "/lists/{list_id}/transfer", response={200: schemas.ListOut, **ERRORS}, url_name="list_transfer"
)
def transfer_list(request, list_id: UUID, payload: schemas.TransferIn):
    """Hand your list and its tasks to one of its members; you stay as an editor."""
    task_list = lists.get_list(_user(request), list_id, lists.OWN)
    lists.list_transfer(task_list=task_list, username=payload.username)
    return _one(request, task_list)
