"""The byte cap of a request (TASKAPP_MAX_BODY_BYTES) for uploaded files too.

Django caps the non-file fields of a form (DATA_UPLOAD_MAX_MEMORY_SIZE) but not
its files: they go to a temporary file whatever their size. This handler, first
in FILE_UPLOAD_HANDLERS, counts a file's bytes while they arrive and skips the
file as soon as it passes the cap; the rest of it is read and discarded, never
kept. The view sees ``request.upload_too_large`` and answers 413 with a message
next to the field (ui.views.import_tasks).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class CappedUploadHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            self.request.upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) makes the file
