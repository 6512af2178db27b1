"""Preview images of a version: a thumbnail of an image, one per PDF page (first pages).

Images are read with Pillow (EXIF rotation applied, the first frame of an
animation); PDF pages are rendered by ``pdftoppm`` (Debian's poppler-utils)
in a temporary folder, with a time limit. Previews are PNG files stored
beside the original under random names and served only by the authorised
view. Anything unreadable leaves the version without a preview (status
``failed``) instead of failing the upload.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path, PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

logger = logging.getLogger(__name__)

MAX_SIDE = 1600  # pixels: sharp enough to proof, small enough to load fast
MAX_PDF_PAGES = 20
PDFTOPPM_TIMEOUT = 120  # seconds


class PreviewError(Exception):
    """The file could not be turned into a preview."""


def _png(image: Image.Image) -> bytes:
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "transparency" in image.info or image.mode in ("LA", "P") else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def image_previews(handle) -> list[bytes]:
    try:
        with Image.open(handle) as image:
            image.seek(0)
            image.load()
            return [_png(image)]
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        raise PreviewError(str(exc)) from exc


def pdf_previews(handle) -> list[bytes]:
    program = shutil.which("pdftoppm")
    if program is None:
        raise PreviewError("pdftoppm (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory(prefix="mrm-preview-") as folder:
        source = Path(folder) / "source.pdf"
        with source.open("wb") as out:
            shutil.copyfileobj(handle, out)
        try:
            subprocess.run(  # noqa: S603 - fixed program and arguments
                [
                    program,
                    "-png",
                    "-scale-to",
                    str(MAX_SIDE),
                    "-f",
                    "1",
                    "-l",
                    str(MAX_PDF_PAGES),
                    str(source),
                    str(Path(folder) / "page"),
                ],
                check=True,
                capture_output=True,
                timeout=PDFTOPPM_TIMEOUT,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise PreviewError(f"pdftoppm failed: {exc}") from exc
        pages = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if not pages:
            raise PreviewError("pdftoppm rendered no page")
        return [page.read_bytes() for page in pages]


def render(kind: str, handle) -> list[bytes]:
    """PNG bytes per preview page for a preview kind (``image``/``pdf``); none for the others."""
    if kind == "image":
        return image_previews(handle)
    if kind == "pdf":
        return pdf_previews(handle)
    return []


def store(file_name: str, images: list[bytes]) -> list[str]:
    """Save preview images beside the original (``<stored name>-p<n>.png``); their storage names."""
    stem = str(PurePath(file_name).with_suffix(""))
    names = []
    for page, content in enumerate(images, start=1):
        name = f"{stem}-p{page}.png"
        if default_storage.exists(name):
            default_storage.delete(name)
        names.append(default_storage.save(name, ContentFile(content)))
    return names
