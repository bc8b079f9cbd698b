"""The candidate's share poster: a phone-sized PNG with the campaign, the candidate and a QR
code of the candidate's public page. It exists exactly when that page does, is drawn once per
version of what it shows (then served from the cache), and writes nothing."""

from __future__ import annotations

import functools
import hashlib
import io
import logging

import qrcode
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont, ImageOps

from gonghui.appraisal import selectors
from gonghui.appraisal.models import Campaign, Candidate, CandidateState
from gonghui.core import fonts

logger = logging.getLogger(__name__)

# The font of the certificates (gonghui/competitions/certificates.py): TrueType CJK, in Debian.
FONT_PATH = fonts.FONT_PATH  # a test points it elsewhere

LAYOUT = "1"  # change when the drawing changes: every cached poster is then drawn anew
CACHE_SECONDS = 86400  # a changed candidate gets a new key; old entries just expire
MAX_AGE = 600  # phones and proxies keep it ten minutes

WIDTH, HEIGHT = 750, 1334  # a phone screen, the size WeChat moments show whole
MARGIN = 48
RED = (192, 22, 29)
INK = (34, 34, 34)
GREY = (110, 110, 110)
PAPER = (255, 248, 240)
WHITE = (255, 255, 255)
PHOTO_BOX = (210, 170, 540, 610)  # 3:4, as the nomination form's photos are
CARD_BOX = (MARGIN, 1052, WIDTH - MARGIN, 1300)
QR_BOX = (462, 1066, 686, 1290)  # the code with its quiet zone, white on the white card
STORY_LINES = 3
NO_LINE_START = "，。、；：！？）》」』”’…,.;:!?)"
NO_LINE_END = "（《「『“‘("


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code of `url`, with its four-module quiet zone, as rows of dark (True) modules."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return [[bool(module) for module in row] for row in code.get_matrix()]


def _qr_image(url: str, size: int) -> Image.Image:
    """The code at a whole number of pixels per module (sharp edges scan best), centred in a
    white square of `size`."""
    matrix = qr_matrix(url)
    n = len(matrix)
    modules = Image.new("L", (n, n), 255)
    modules.putdata([0 if dark else 255 for row in matrix for dark in row])
    scale = max(1, size // n)
    drawn = modules.resize((n * scale, n * scale), Image.Resampling.NEAREST)
    square = Image.new("L", (size, size), 255)
    offset = (size - n * scale) // 2
    square.paste(drawn, (offset, offset))
    return square.convert("RGB")


@functools.lru_cache(maxsize=64)
def _font_at(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=0)


def _font(size: int) -> ImageFont.FreeTypeFont:
    return _font_at(str(fonts.cjk_font("Share posters", FONT_PATH)), size)


def _ellipsised(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip(" ,.;:，、。；：·") + "…"


def _fit(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """`text` cut to `width`, with an ellipsis when cut."""
    return text if font.getlength(text) <= width else _ellipsised(text, font, width)


def _first_line(words: str, font: ImageFont.FreeTypeFont, width: int) -> int:
    """How many characters of `words` go on a line of `width`."""
    fits, over = 1, len(words)
    while fits < over:  # the longest prefix that fits, by bisection: stories can be long
        mid = (fits + over + 1) // 2
        if font.getlength(words[:mid]) <= width:
            fits = mid
        else:
            over = mid - 1
    cut = fits
    if cut == len(words):
        return cut
    space = words.rfind(" ", 0, cut + 1)
    if space > 0 and words[cut - 1].isascii() and words[cut].isascii():
        return space  # a Latin word stays whole
    # Chinese line breaking: a closing mark starts no line, an opening mark ends none
    while cut > 1 and (words[cut] in NO_LINE_START or words[cut - 1] in NO_LINE_END):
        cut -= 1
    return cut


def _lines(text: str, font: ImageFont.FreeTypeFont, width: int, most: int) -> list[str]:
    """Up to `most` lines of `text` in `width`, and one more if text is left over."""
    words = " ".join(text.split())
    out: list[str] = []
    while words and len(out) <= most:
        cut = _first_line(words, font, width)
        out.append(words[:cut].rstrip())
        words = words[cut:].lstrip()
    return out


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """At most `lines` lines of `width`, the last with an ellipsis if text is left; lines as
    even as they go (a title breaks near its middle, not before its last character)."""
    out = _lines(text, font, width, lines)
    if len(out) > lines:
        return [*out[: lines - 1], _ellipsised(out[lines - 1], font, width)]
    narrow, wide = 1, width
    while narrow < wide:  # the narrowest width that needs no more lines
        mid = (narrow + wide) // 2
        if len(_lines(text, font, mid, lines)) <= len(out):
            wide = mid
        else:
            narrow = mid + 1
    return _lines(text, font, wide, lines)


def _shrunk(
    text: str, size: int, smallest: int, width: int, lines: int = 1
) -> ImageFont.FreeTypeFont:
    """The largest font from `size` down to `smallest` in which `text` fits `lines`."""
    while size > smallest and len(_lines(text, _font(size), width, lines)) > lines:
        size -= 2
    return _font(size)


def _centred(
    draw: ImageDraw.ImageDraw,
    y: int,
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: tuple[int, int, int],
    *,
    bold: bool = False,
) -> None:
    draw.text(
        (WIDTH // 2, y),
        text,
        font=font,
        fill=fill,
        anchor="mt",
        stroke_width=1 if bold else 0,  # the font has no bold face
        stroke_fill=fill,
    )


def _photo(candidate: Candidate, size: tuple[int, int]) -> Image.Image:
    """The candidate's photo cropped to fill `size`, else a neutral figure."""
    if candidate.photo:
        try:
            with candidate.photo.open("rb") as stored, Image.open(stored) as image:
                return ImageOps.fit(image.convert("RGB"), size, Image.Resampling.LANCZOS)
        except OSError:
            logger.warning("Candidate %s: photo %s unreadable", candidate.pk, candidate.photo)
    w, h = size
    figure = Image.new("RGB", size, (226, 222, 216))
    draw = ImageDraw.Draw(figure)
    tone = (196, 190, 182)
    draw.ellipse((w * 0.32, h * 0.2, w * 0.68, h * 0.47), fill=tone)
    draw.rounded_rectangle((w * 0.16, h * 0.53, w * 0.84, h * 1.05), radius=w // 5, fill=tone)
    return figure


def _fields(campaign: Campaign, candidate: Candidate, url: str) -> dict[str, str]:
    """Everything the poster shows, as text: its hash names the cached picture."""
    return {
        "layout": LAYOUT,
        "language": get_language() or "",
        "url": url,
        "title": campaign.title,
        "org": campaign.org.name,
        "number": str(candidate.number),
        "name": candidate.person.name,
        "employer": candidate.employer,
        "story": candidate.story,
        "photo": candidate.photo.name or "",
        "state": candidate.state,
    }


def _draw_top(poster: Image.Image, campaign: Campaign, candidate: Candidate) -> int:
    """The campaign on red, the photo, the number, the name and the employer; returns where
    the story starts."""
    text_width = WIDTH - 2 * MARGIN
    draw = ImageDraw.Draw(poster)
    draw.rectangle((0, 0, WIDTH, 290), fill=RED)
    title_font = _shrunk(campaign.title, 44, 36, text_width, lines=2)
    title = _wrap(campaign.title, title_font, text_width, 2)
    for i, line in enumerate(title):
        _centred(draw, (62 if len(title) == 1 else 36) + i * 56, line, title_font, WHITE)

    left, top, right, bottom = PHOTO_BOX
    draw.rectangle((left - 10, top - 10, right + 10, bottom + 10), fill=WHITE)
    poster.paste(_photo(candidate, (right - left, bottom - top)), (left, top))

    number = _("No. %(n)s") % {"n": candidate.number}
    number_font = _font(34)
    pill = int(number_font.getlength(number)) + 64
    draw.rounded_rectangle(
        ((WIDTH - pill) // 2, bottom + 26, (WIDTH + pill) // 2, bottom + 82), radius=28, fill=RED
    )
    draw.text((WIDTH // 2, bottom + 54), number, font=number_font, fill=WHITE, anchor="mm")

    name = candidate.person.name
    name_font = _shrunk(name, 60, 36, text_width)
    _centred(draw, bottom + 100, _fit(name, name_font, text_width), name_font, INK, bold=True)
    employer_font = _font(28)
    employer = _fit(candidate.employer, employer_font, text_width)
    _centred(draw, bottom + 182, employer, employer_font, GREY)
    rule = bottom + 236
    draw.line((MARGIN + 140, rule, WIDTH - MARGIN - 140, rule), fill=(226, 206, 196), width=2)
    return rule + 24


def _draw_card(poster: Image.Image, campaign: Campaign, candidate: Candidate, url: str) -> None:
    """The white card at the foot: the call to vote and the organiser beside the QR code."""
    draw = ImageDraw.Draw(poster)
    draw.rounded_rectangle(CARD_BOX, radius=16, fill=WHITE)
    poster.paste(_qr_image(url, QR_BOX[2] - QR_BOX[0]), QR_BOX[:2])
    text_left = CARD_BOX[0] + 32
    call_width = QR_BOX[0] - text_left - 16
    if candidate.state == CandidateState.DISQUALIFIED:
        call, colour = _("Disqualified"), GREY
    else:
        call, colour = _("Scan the code to vote for them"), RED
    call_font = _shrunk(call, 40, 30, call_width, lines=2)
    call_lines = _wrap(call, call_font, call_width, 2)
    org_font = _font(24)
    organised = _("Organised by %(org)s") % {"org": campaign.org.name}
    org_lines = _wrap(organised, org_font, call_width, 2)
    # The call and the organiser, together centred beside the code
    height = len(call_lines) * 52 + 18 + len(org_lines) * 34
    y = (QR_BOX[1] + QR_BOX[3] - height) // 2
    for line in call_lines:
        draw.text(
            (text_left, y), line, font=call_font, fill=colour, stroke_width=1, stroke_fill=colour
        )
        y += 52
    y += 18
    for line in org_lines:
        draw.text((text_left, y), line, font=org_font, fill=GREY)
        y += 34


def _draw(campaign: Campaign, candidate: Candidate, url: str) -> bytes:
    poster = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    story_top = _draw_top(poster, campaign, candidate)
    story_font = _font(28)
    story = _wrap(candidate.story, story_font, WIDTH - 2 * MARGIN - 40, STORY_LINES)
    room = CARD_BOX[1] - 24 - story_top
    for i, line in enumerate(story):  # a short story sits in the middle of its room
        y = story_top + (room - len(story) * 44) // 2 + i * 44
        _centred(ImageDraw.Draw(poster), y, line, story_font, INK)
    _draw_card(poster, campaign, candidate, url)
    out = io.BytesIO()
    poster.save(out, format="PNG")  # optimize=True: 3x the time for 5% fewer bytes
    return out.getvalue()


@require_safe
def poster(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The poster of a candidate whose public page exists (R20: it counts no view)."""
    campaign = selectors.public_campaign(pk)
    candidate = selectors.candidate_public(campaign, number)
    url = request.build_absolute_uri(reverse("appraisal:candidate", args=[pk, number]))
    fields = _fields(campaign, candidate, url)
    digest = hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()[:32]
    key = f"appraisal:poster:{candidate.pk}:{digest}"
    png = cache.get(key)
    if png is None:
        png = _draw(campaign, candidate, url)
        cache.set(key, png, CACHE_SECONDS)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="poster-{pk}-{number}.png"'
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
