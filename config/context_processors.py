from django.conf import settings


def site(request):
    """Values every page template may need."""
    return {
        "TASKAPP_VERSION": settings.VERSION,
        "ALLOW_SIGNUP": settings.ALLOW_SIGNUP,
    }
