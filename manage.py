#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.env import load_settings

    load_settings()  # a bad environment: one line on stderr, exit status 1

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
