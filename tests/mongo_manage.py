"""manage.py on the in-process MongoDB stand-in: python -m tests.mongo_manage <command>.

For maintainers (e.g. makemigrations for config/mongo_migrations) on machines
without a MongoDB server.
"""

import os
import sys

from tests import plugin

if __name__ == "__main__":
    os.environ["MONGODB_URI"] = plugin.MONGO_URI
    os.environ.setdefault("TASKAPP_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    plugin.install()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *sys.argv[1:]])
