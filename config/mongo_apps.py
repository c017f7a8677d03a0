"""Contrib app configs for MongoDB: ObjectId primary keys instead of integers.

Only installed when MONGODB_URI is set (see settings.CONTRIB_APPS); their
migrations live in config/mongo_migrations.
"""

from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.apps import AuthConfig
from django.contrib.contenttypes.apps import ContentTypesConfig

_OBJECT_ID = "django_mongodb_backend.fields.ObjectIdAutoField"


class MongoAdminConfig(AdminConfig):
    default_auto_field = _OBJECT_ID


class MongoAuthConfig(AuthConfig):
    default_auto_field = _OBJECT_ID


class MongoContentTypesConfig(ContentTypesConfig):
    default_auto_field = _OBJECT_ID
