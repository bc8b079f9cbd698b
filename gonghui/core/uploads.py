"""The one check for files people upload (objection attachments, aid documents): the content
must be a PDF, PNG or JPEG by its first bytes, the name must not say otherwise, and the size
must be within the limit. A renamed program is refused however it is named."""

from __future__ import annotations

import io
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

MAX_UPLOAD = 5 * 1024 * 1024

# first bytes → (kind, the extensions a file of that kind may carry)
_MAGIC: tuple[tuple[bytes, str, tuple[str, ...]], ...] = (
    (b"%PDF-", "pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "png", (".png",)),
    (b"\xff\xd8\xff", "jpeg", (".jpg", ".jpeg")),
)


def upload_kind(upload: UploadedFile) -> str | None:
    """pdf, png or jpeg as the content says, or None."""
    head = upload.read(8)
    upload.seek(0)
    return next((kind for magic, kind, _ext in _MAGIC if head.startswith(magic)), None)


def upload_check(upload: UploadedFile, *, max_bytes: int = MAX_UPLOAD) -> str:
    """The file's kind, or a ValidationError that names what is wrong with it."""
    limit_mb = max_bytes // (1024 * 1024)
    if (upload.size or 0) > max_bytes:
        raise ValidationError(
            _("%(name)s is larger than %(mb)d MB.") % {"name": upload.name, "mb": limit_mb},
            code="upload_size",
        )
    if not upload.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": upload.name}, code="upload_empty")
    kind = upload_kind(upload)
    suffix = PurePath(upload.name or "").suffix.lower()
    allowed = next((ext for _m, k, ext in _MAGIC if k == kind), ())
    if kind is None or suffix not in allowed:
        raise ValidationError(
            _("%(name)s is not a PDF, PNG or JPEG file (its content and its name must agree).")
            % {"name": upload.name},
            code="upload_type",
        )
    return kind


PHOTO_SIDE = 1080  # pixels: sharp on a phone, small on the wire


def photo_reencode(upload: UploadedFile, *, name: str) -> ContentFile[bytes]:
    """A photo as the site serves it: checked (`upload_check`), decoded, turned upright by its
    EXIF orientation, stripped of EXIF (where it was taken), shrunk to PHOTO_SIDE and saved
    as a fresh JPEG. Whatever the upload carried besides the picture is gone."""
    kind = upload_check(upload)
    if kind not in {"png", "jpeg"}:
        raise ValidationError(
            _("%(name)s is not a photo (PNG or JPEG).") % {"name": upload.name}, code="photo"
        )
    try:
        with Image.open(upload) as image:
            upright = ImageOps.exif_transpose(image) or image
            picture = upright.convert("RGB")
    except (OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("%(name)s could not be read as a picture.") % {"name": upload.name}, code="photo"
        ) from exc
    picture.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{name}.jpg")
