"""R4 identity checks, encryption at rest, keyed look-up hashes and masking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from gonghui.core import personal_data as pd

VALID_ID = "11010519491231002X"  # GB 11643's own example: born 1949-12-31, a woman
VALID_CREDIT_CODE = "91110000600037341L"


def test_r04_valid_resident_id_passes_and_is_canonical() -> None:
    assert pd.resident_id_validate(VALID_ID.lower()) == VALID_ID
    assert pd.resident_id_birth_date(VALID_ID) == dt.date(1949, 12, 31)
    assert pd.resident_id_sex(VALID_ID) == "F"


def test_r04_resident_id_with_wrong_check_digit_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        pd.resident_id_validate("110105194912310021")
    assert exc.value.code == "checksum"


@pytest.mark.parametrize("value", ["", "1101051949", "abcdefghijklmnopqr"])
def test_r04_malformed_resident_id_is_refused(value: str) -> None:
    with pytest.raises(ValidationError):
        pd.resident_id_validate(value)


def test_r04_resident_id_with_impossible_birth_date_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        pd.resident_id_validate("110105194913310026")
    assert exc.value.code in {"component", "checksum"}


def test_r04_resident_id_must_agree_with_birth_date_and_sex() -> None:
    assert pd.resident_id_validate(VALID_ID, birth_date=dt.date(1949, 12, 31), sex="F")
    with pytest.raises(ValidationError) as exc:
        pd.resident_id_validate(VALID_ID, birth_date=dt.date(1950, 1, 1))
    assert exc.value.code == "birth_date"
    with pytest.raises(ValidationError) as exc:
        pd.resident_id_validate(VALID_ID, sex="M")
    assert exc.value.code == "sex"


def test_r04_unified_social_credit_code_checksum() -> None:
    assert pd.credit_code_validate(VALID_CREDIT_CODE) == VALID_CREDIT_CODE
    with pytest.raises(ValidationError) as exc:
        pd.credit_code_validate("91110000600037341M")
    assert exc.value.code == "checksum"
    with pytest.raises(ValidationError):
        pd.credit_code_validate("12345")


def test_validation_messages_are_chinese() -> None:
    with pytest.raises(ValidationError) as exc:
        pd.resident_id_validate("110105194912310021")
    assert "校验位" in exc.value.messages[0]


def test_encryption_round_trips_and_hides_the_value() -> None:
    token = pd.encrypt(VALID_ID)
    assert VALID_ID not in token
    assert pd.encrypt(VALID_ID) != token  # randomised: equal values do not look equal at rest
    assert pd.decrypt(token) == VALID_ID


def test_encryption_key_rotation_keeps_old_data_readable() -> None:
    with override_settings(PERSONAL_DATA_KEYS=["old-key"]):
        old_token = pd.encrypt(VALID_ID)
        old_hash = pd.lookup_hash(VALID_ID)
    with override_settings(PERSONAL_DATA_KEYS=["new-key", "old-key"]):
        assert pd.decrypt(old_token) == VALID_ID
        assert pd.lookup_hash(VALID_ID) == old_hash
    with (
        override_settings(PERSONAL_DATA_KEYS=["other-key"]),
        pytest.raises(ValueError, match="Cannot decrypt"),
    ):
        pd.decrypt(old_token)


def test_lookup_hash_is_keyed_stable_and_normalised() -> None:
    assert pd.lookup_hash(VALID_ID) == pd.lookup_hash(" 11010519491231002x ")
    assert VALID_ID not in pd.lookup_hash(VALID_ID)
    assert len(pd.lookup_hash(VALID_ID)) == 64


def test_lookup_hash_changes_with_the_key() -> None:
    with override_settings(PERSONAL_DATA_KEYS=["key-a"]):
        a = pd.lookup_hash(VALID_ID)
    with override_settings(PERSONAL_DATA_KEYS=["key-b"]):
        b = pd.lookup_hash(VALID_ID)
    assert a != b


def test_encrypted_field_stores_ciphertext_and_reads_plain_text() -> None:
    field = pd.EncryptedTextField()
    stored = field.get_prep_value(VALID_ID)
    assert stored != VALID_ID and VALID_ID not in stored
    assert field.from_db_value(stored, None, connection) == VALID_ID
    assert field.get_prep_value(None) is None


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("张三丰", "张*丰"), ("欧阳娜娜", "欧**娜"), ("李", "李"), ("", "")],
)
def test_mask_name(name: str, masked: str) -> None:
    assert pd.mask_name(name) == masked


def test_mask_id_number_and_phone() -> None:
    assert pd.mask_id_number("340102199001011234") == "3401**********1234"
    assert pd.mask_phone("13812345678") == "138****5678"
    assert pd.mask_phone("123") == "***"


def test_r04_resident_id_born_in_the_future_or_before_1900_is_refused() -> None:
    from stdnum.cn import ric

    for birth in ("20990101", "18500101"):
        body = f"340102{birth}123"
        with pytest.raises(ValidationError):
            pd.resident_id_validate(body + ric.calc_check_digit(body + "0"))
