"""Personal data under PIPL: validate (GB 11643 resident IDs, unified social credit codes),
encrypt at rest, hash for look-ups, and mask for display. Validation is python-stdnum's and
encryption is cryptography's Fernet; what is ours is only how Gonghui wires them together."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from functools import cache
from typing import Any, Literal

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum import numdb
from stdnum.cn import ric, uscc

Sex = Literal["M", "F"]


# --- Validation -------------------------------------------------------------------------------


def resident_id_validate(
    value: str, *, birth_date: dt.date | None = None, sex: Sex | None = None
) -> str:
    """The 18-character resident ID in canonical form (R4): the GB 11643 check digit holds, the
    birth date is real (1900 to today), the region code exists, and the ID agrees with the birth
    date and sex recorded, when given.

    Built from python-stdnum's parts rather than `ric.validate`, which also demands that the
    county code existed in the birth year: codes are assigned when the ID is issued (from 1984
    on), so that check refuses the real IDs of many workers born before their county's code."""
    number = "".join(value.split()).replace("-", "").upper()
    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise ValidationError(_("Enter an 18-character resident ID number."), code="format")
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(_("The ID number's check digit is wrong."), code="checksum")
    try:
        born = resident_id_birth_date(number)
    except stdnum_exceptions.ValidationError:
        born = None
    if born is None or born.year < 1900 or born > dt.date.today() or not _region_known(number[:6]):
        raise ValidationError(
            _("The ID number holds an impossible birth date or region."), code="component"
        )
    if birth_date is not None and born != birth_date:
        raise ValidationError(
            _("The ID number does not match the birth date entered."), code="birth_date"
        )
    if sex is not None and resident_id_sex(number) != sex:
        raise ValidationError(_("The ID number does not match the sex entered."), code="sex")
    return number


@cache
def _region_known(code: str) -> bool:
    """Whether the six-digit administrative code is in stdnum's table, at any time."""
    return any("county" in props for _part, props in numdb.get("cn/loc").info(code))


def resident_id_birth_date(number: str) -> dt.date:
    """Digits 7–14 of the ID; raises stdnum's InvalidComponent for an impossible date."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise stdnum_exceptions.InvalidComponent() from exc


def resident_id_sex(number: str) -> Sex:
    """GB 11643: the 17th digit is odd for men, even for women."""
    return "M" if int(number.strip()[16]) % 2 else "F"


def credit_code_validate(value: str) -> str:
    """An enterprise's 18-character unified social credit code (GB 32100), canonical (R4)."""
    try:
        code: str = uscc.validate(value)
    except stdnum_exceptions.InvalidChecksum as exc:
        raise ValidationError(
            _("The unified social credit code's check character is wrong."), code="checksum"
        ) from exc
    except stdnum_exceptions.ValidationError as exc:
        raise ValidationError(
            _("Enter an 18-character unified social credit code."), code="format"
        ) from exc
    return code


# --- Encryption at rest and keyed look-up hashes ----------------------------------------------


@cache
def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret.encode()
    )


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    # Newest key first encrypts; every listed key still decrypts, so keys can be rotated.
    return MultiFernet(
        [Fernet(base64.urlsafe_b64encode(_derive(k, b"gonghui-encrypt"))) for k in keys]
    )


def encrypt(plain: str) -> str:
    return _fernet(tuple(settings.PERSONAL_DATA_KEYS)).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(settings.PERSONAL_DATA_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Cannot decrypt personal data: wrong PERSONAL_DATA_KEY?") from exc


def lookup_hash(value: str) -> str:
    """A keyed hash (HMAC-SHA256) to find a record by ID number without storing it in clear.
    Keyed with the OLDEST personal-data key (listed last), which rotation keeps."""
    key = _derive(settings.PERSONAL_DATA_KEYS[-1], b"gonghui-lookup")
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]  # TextField's generics are stub-only
    """Stores its value encrypted; Python sees plain text. Not searchable: pair it with a
    `lookup_hash` column for look-ups."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return value if not value else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return value if not value else encrypt(str(value))  # empty stays empty


# --- Masking for pages, exports and public notices ---------------------------------------------


def mask_name(name: str) -> str:
    """张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(number: str) -> str:
    """340102199001011234 → 3401**********1234."""
    number = number.strip()
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
