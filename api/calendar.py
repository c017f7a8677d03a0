"""GET /calendar/<secret>.ics: a personal calendar feed (RFC 5545).

Public by design (calendar apps cannot send a token): the secret in the URL is
the credential, stored only as a hash (taskapp.planning.services.feed_issue) and
revocable. Unknown and revoked secrets answer 404. Served on every role, as the
feed URL is handed out by the API (/api/v1/calendar-feeds) and the web UI.
"""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from taskapp.planning import ics, rules, services


def _items(user):
    # A due time is wall time in the task owner's zone (the feed's user's own, or the
    # owner of a list shared with them): one zone look-up per owner.
    zones = {user.pk: services.zone_of(user)}
    for task in services.feed_tasks(user):
        at = services.due_time_of(task)
        if at is not None and task.owner_id not in zones:
            zones[task.owner_id] = services.zone_of(task.owner)
        tz = zones.get(task.owner_id)
        yield ics.FeedItem(
            uid=task.id.hex,
            title=task.title,
            description=task.description,
            due_date=task.due_date,
            starts_at=rules.local_instant(task.due_date, at, tz) if at is not None else None,
            updated_at=task.updated_at,
        )


@require_GET
def calendar_feed(request, secret: str):
    feed = services.feed_for_secret(secret)
    if feed is None:
        raise Http404("No calendar feed here.")
    body = ics.calendar(
        _items(feed.user), name=f"Taskapp: {feed.name}", stamp=timezone.now(), host="taskapp"
    )
    return HttpResponse(
        body,
        content_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'inline; filename="taskapp.ics"',
            # The secret is in the URL: keep the answer out of shared caches.
            "Cache-Control": "private, max-age=300",
            "Referrer-Policy": "no-referrer",
        },
    )
