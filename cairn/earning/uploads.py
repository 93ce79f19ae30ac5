"""Evidence upload checks. A file is judged by its content (its first bytes), never by its
name or the type the browser claims: an executable renamed to .pdf is still refused."""

import codecs
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404

from cairn.core.errors import DomainError

if TYPE_CHECKING:
    from cairn.earning.models import Artifact

# Sniffed MIME type → the kind of evidence it is. Office files are recognised by their
# content too (filetype looks inside the ZIP container for the Word/Excel/PowerPoint parts).
DOCUMENTS = (
    "application/pdf",
    "application/rtf",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
)
IMAGES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/tiff", "image/bmp")
AUDIO = ("audio/mpeg", "audio/mp4", "audio/x-wav", "audio/ogg", "audio/aac", "audio/x-flac")
VIDEO = ("video/mp4", "video/quicktime", "video/webm", "video/x-m4v", "video/3gpp", "video/x-msvideo")
ALLOWED: dict[str, str] = {
    **dict.fromkeys(DOCUMENTS, "document"),
    **dict.fromkeys(IMAGES, "image"),
    **dict.fromkeys(AUDIO, "audio"),
    **dict.fromkeys(VIDEO, "video"),
}
MARKUP = re.compile(rb"<\s*(script|svg|html|!doctype|iframe|object|embed)\b", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    kind: str
    size: int
    sha256: str


def _head(upload: UploadedFile, n: int = 8192) -> bytes:
    upload.seek(0)
    data = upload.read(n)
    upload.seek(0)
    return data


def _readable_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def check_upload(upload: UploadedFile, *, allowed_kinds: list[str]) -> CheckedFile:
    """Refuse anything that is not an allowed evidence file; return what it really is."""
    name = upload.name or ""
    if not name or "/" in name or "\\" in name or name in {".", ".."} or "\x00" in name:
        raise DomainError("The file name must be a plain name, without folders.")
    size = upload.size or 0
    if size == 0:
        raise DomainError(f"“{name}” is empty.")
    limit = settings.CAIRN_UPLOAD_MAX_BYTES
    if size > limit:
        raise DomainError(f"“{name}” is {_readable_size(size)}; the limit is {_readable_size(limit)}.")
    head = _head(upload, 64 * 1024)
    guess = filetype.guess(head)
    content_type = guess.mime if guess else ""
    kind = ALLOWED.get(content_type, "")
    if guess is not None and not kind:
        raise DomainError(
            f"“{name}” is {guess.extension.upper()} content, which cannot be evidence "
            "(programs, archives and other files are refused)."
        )
    elif guess is None:
        # No binary signature: accept plain text only, and never markup that could run script.
        if MARKUP.search(head) or head.startswith(b"#!"):
            raise DomainError(f"“{name}” contains web page or script content, which cannot be uploaded.")
        try:
            # Incremental: a multi-byte character cut at the end of the sample is not an error.
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError as exc:
            raise DomainError(f"Cairn does not recognise the type of “{name}”.") from exc
        content_type, kind = "text/plain", "document"
    if not kind:
        raise DomainError(f"“{name}” ({content_type}) is not a document, image, audio or video file Cairn accepts.")
    # Student-work samples may be any accepted kind.
    if allowed_kinds and kind not in allowed_kinds and "student_work" not in allowed_kinds:
        raise DomainError(f"This requirement accepts {', '.join(allowed_kinds)}; “{name}” is {kind}.")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type=content_type, kind=kind, size=size, sha256=digest.hexdigest())


def artifact_file_response(artifact: "Artifact") -> FileResponse:
    """An evidence file, always as a download and never sniffed: evidence is not a web page."""
    try:
        handle = artifact.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing from storage.") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=artifact.original_name, content_type=artifact.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
