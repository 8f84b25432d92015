"""Errors the engine raises for input it cannot read.

Each message is meant for a person: it is shown in the UI and printed by the
extract command. None of them carries a field value.
"""


class DocumentError(Exception):
    """A file that cannot be read as a document. Never worth retrying."""

    code = "unreadable"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnsupportedFileType(DocumentError):
    code = "unsupported_type"


class CorruptDocument(DocumentError):
    code = "corrupt"


class EncryptedDocument(DocumentError):
    code = "encrypted"


class EmptyDocument(DocumentError):
    code = "empty"


class TooManyPages(DocumentError):
    code = "too_many_pages"


class ImageTooLarge(DocumentError):
    code = "image_too_large"


class ExtractionTimeout(DocumentError):
    code = "timeout"


class MissingFile(DocumentError):
    code = "missing"
