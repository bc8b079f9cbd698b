"""The TrueType CJK font that drawn documents embed (certificates, share posters). ReportLab
embeds TrueType outlines only, not CFF ones such as Noto CJK's: WenQuanYi Micro Hei is
TrueType, from Debian's fonts-wqy-microhei (make system-deps installs it)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT_PACKAGE = "fonts-wqy-microhei"


def cjk_font(purpose: str, path: Path | None = None) -> Path:
    """The font's path, or a setup error that names the package to install."""
    found = path or FONT_PATH
    if not found.exists():
        raise ImproperlyConfigured(
            f"{purpose} need the TrueType CJK font {found}: "
            f"install the Debian package {FONT_PACKAGE} (make system-deps)."
        )
    return found
