"""Login, lockout after repeated failures, two-factor codes for staff, password change."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.core.demo.city import DEMO_PASSWORD
from gonghui.core.models import AuditEntry, User

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str) -> object:
    return client.post("/login/", {"username": username, "password": password})


def test_login_page_is_chinese() -> None:
    body = Client().get("/login/").content.decode()
    assert "登录" in body and 'lang="zh-Hans"' in body


def test_login_with_right_password_reaches_home(personas: dict[str, User]) -> None:
    client = Client()
    response = client.post(
        "/login/?next=/calendar/",
        {"username": "city_admin", "password": DEMO_PASSWORD, "next": "/calendar/"},
    )
    assert response.status_code == 302 and response["Location"] == "/calendar/"
    assert "欢迎，陈市总" in client.get("/").content.decode()


def test_login_refuses_offsite_next(personas: dict[str, User]) -> None:
    response = Client().post(
        "/login/",
        {"username": "city_admin", "password": DEMO_PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_wrong_password_rerenders_with_message(personas: dict[str, User]) -> None:
    response = _login(Client(), "city_admin", "wrong")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "请输入一个正确的" in response.content.decode()  # type: ignore[attr-defined]


@override_settings(AXES_FAILURE_LIMIT=5)
def test_repeated_wrong_passwords_lock_the_account_out(personas: dict[str, User]) -> None:
    client = Client()
    for _ in range(4):
        assert _login(client, "city_admin", "wrong").status_code == 200  # type: ignore[attr-defined]
    locked = _login(client, "city_admin", "wrong")
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert "登录失败次数过多" in locked.content.decode()  # type: ignore[attr-defined]
    # Even the right password is refused while locked.
    again = _login(client, "city_admin", DEMO_PASSWORD)
    assert again.status_code == 429  # type: ignore[attr-defined]
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked.
    assert _login(Client(), "donghu_staff", DEMO_PASSWORD).status_code == 302  # type: ignore[attr-defined]


def _enable_totp(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_staff_with_two_factor_must_enter_a_code(personas: dict[str, User]) -> None:
    device = _enable_totp(personas["city_admin"])
    client = Client()
    step1 = _login(client, "city_admin", DEMO_PASSWORD)
    assert step1["Location"].startswith("/login/code/")  # type: ignore[index]
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still anonymous
    wrong = client.post(
        "/login/code/", {"token": "000000" if _code(device) != "000000" else "111111"}
    )
    assert "验证码错误或已过期" in wrong.content.decode()
    # django-otp throttles a device after a wrong code; the test does not wait it out.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    right = client.post("/login/code/", {"token": _code(device)})
    assert right.status_code == 302
    assert client.get("/").status_code == 200


def test_code_page_without_password_step_goes_back_to_login() -> None:
    assert Client().get("/login/code/")["Location"] == "/login/"


def test_staff_turns_two_factor_on_and_off_from_account_page(client_for, personas) -> None:  # type: ignore[no-untyped-def]
    client = client_for("donghu_staff")
    assert "设置两步验证" in client.get("/account/").content.decode()
    client.post("/account/two-factor/start/")
    page = client.get("/account/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=personas["donghu_staff"])
    client.post("/account/two-factor/confirm/", {"token": "12345"})  # too short
    device.refresh_from_db()
    assert not device.confirmed
    client.post("/account/two-factor/confirm/", {"token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="totp.enable").exists()
    device.last_t = -1  # allow the same time step again for the removal
    device.save()
    client.post("/account/two-factor/remove/", {"token": _code(device)})
    assert not TOTPDevice.objects.filter(user=personas["donghu_staff"]).exists()


def test_workers_are_not_offered_two_factor(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("courier_worker")
    assert "两步验证" not in client.get("/account/").content.decode()
    client.post("/account/two-factor/start/")
    assert not TOTPDevice.objects.exists()


def test_password_change_is_audited_and_keeps_the_session(client_for, personas) -> None:  # type: ignore[no-untyped-def]
    client = client_for("factory_chair")
    response = client.post(
        "/account/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "a-much-better-passw0rd",
            "new_password2": "a-much-better-passw0rd",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    personas["factory_chair"].refresh_from_db()
    assert personas["factory_chair"].check_password("a-much-better-passw0rd")
    assert AuditEntry.objects.filter(action="user.password_change").exists()


def test_logout_needs_post(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("city_admin")
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get("/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_admin_login_goes_through_the_sites_login() -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2F"


def test_two_factor_step_keeps_the_whole_next_url(personas: dict[str, User]) -> None:
    _enable_totp(personas["city_admin"])
    response = Client().post(
        "/login/",
        {"username": "city_admin", "password": DEMO_PASSWORD, "next": "/audit/?action=x&page=2"},
    )
    assert response["Location"] == "/login/code/?next=%2Faudit%2F%3Faction%3Dx%26page%3D2"
