"""Who a WeChat user is, for voters who sign in with WeChat instead of a phone (R21). The
OAuth backend is settings.APPRAISAL_WECHAT_BACKEND (a dotted path; empty: not offered):

- `OfficialAccountBackend`: the official account's web authorisation (网页授权, snsapi_base,
  silent), with WECHAT_APPID and WECHAT_SECRET; works inside WeChat's own browser only;
- `DevBackend`: for the demo and the tests, a local page stands in for WeChat.

A backend has two methods: `authorize_url(redirect_uri=, state=)` and `openid_for(code=)`."""

from __future__ import annotations

import http.client
import json
import logging
import urllib.parse
import urllib.request
from typing import Any, Protocol

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.module_loading import import_string

logger = logging.getLogger("gonghui.appraisal.wechat")

AUTHORIZE_URL = "https://open.weixin.qq.com/connect/oauth2/authorize"
TIMEOUT = 10  # seconds
DEV_SALT = "gonghui.appraisal.wechat.dev"
DEV_CODE_SECONDS = 300  # as long as WeChat's own codes live


class WeChatError(Exception):
    """WeChat did not say who the user is: unreachable, an unreadable answer, or an errcode."""


class Backend(Protocol):
    # True when the authorisation works only in WeChat's own browser (the button hides elsewhere).
    in_wechat_only: bool

    def authorize_url(self, *, redirect_uri: str, state: str) -> str: ...

    def openid_for(self, *, code: str) -> str: ...


def backend() -> Backend | None:
    """The configured backend, or None when WeChat sign-in is not offered."""
    path = getattr(settings, "APPRAISAL_WECHAT_BACKEND", "")
    if not path:
        return None
    made: Backend = import_string(path)()
    return made


def _fetch_json(url: str) -> dict[str, Any]:
    """GETs `url` and reads its JSON; the URL carries the secret, so it is never in an error."""
    request = urllib.request.Request(url, method="GET")  # noqa: S310  # https, fixed host
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310  # as above
            body = response.read()
    except (OSError, http.client.HTTPException) as exc:  # URLError and timeouts are OSErrors
        raise WeChatError(f"WeChat could not be reached: {type(exc).__name__}") from None
    try:
        answer = json.loads(body.decode())
    except ValueError:  # UnicodeDecodeError too
        raise WeChatError("WeChat answered something that is not JSON.") from None
    if not isinstance(answer, dict):
        raise WeChatError("WeChat answered something that is not a JSON object.")
    return answer


class OfficialAccountBackend:
    """Web authorisation of the official account (WECHAT_APPID, WECHAT_SECRET). The redirect
    URI's domain must be registered as the account's 网页授权域名."""

    in_wechat_only = True

    def __init__(self) -> None:
        if not (settings.WECHAT_APPID and settings.WECHAT_SECRET):
            raise ImproperlyConfigured(
                "OfficialAccountBackend needs WECHAT_APPID and WECHAT_SECRET."
            )

    def authorize_url(self, *, redirect_uri: str, state: str) -> str:
        query = urllib.parse.urlencode(
            {
                "appid": settings.WECHAT_APPID,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_base",
                "state": state,
            }
        )
        return f"{AUTHORIZE_URL}?{query}#wechat_redirect"

    def openid_for(self, *, code: str) -> str:
        query = urllib.parse.urlencode(
            {
                "appid": settings.WECHAT_APPID,
                "secret": settings.WECHAT_SECRET,
                "code": code,
                "grant_type": "authorization_code",
            }
        )
        answer = _fetch_json(f"{settings.WECHAT_API_BASE}/sns/oauth2/access_token?{query}")
        openid = answer.get("openid")
        if answer.get("errcode") or not isinstance(openid, str) or not openid:
            errcode, errmsg = answer.get("errcode"), str(answer.get("errmsg", ""))[:200]
            logger.warning("wechat oauth refused a code: %s %s", errcode, errmsg)
            raise WeChatError(f"WeChat gave no openid: {errcode} {errmsg}")
        return openid


class DevBackend:
    """The demo's and the tests' stand-in: `authorize_url` is a local page where one picks an
    OpenID, and the code it sends back is that OpenID signed, so it cannot be forged."""

    in_wechat_only = False

    def __init__(self) -> None:
        if not (settings.DEBUG or settings.DEMO or settings.TESTING):
            raise ImproperlyConfigured("DevBackend is for the demo and the tests only.")

    def authorize_url(self, *, redirect_uri: str, state: str) -> str:
        query = urllib.parse.urlencode({"redirect_uri": redirect_uri, "state": state})
        return f"{reverse('appraisal:wechat_dev_consent')}?{query}"

    @staticmethod
    def code_for(openid: str) -> str:
        return signing.dumps(openid, salt=DEV_SALT, compress=True)

    def openid_for(self, *, code: str) -> str:
        try:
            openid = signing.loads(code, salt=DEV_SALT, max_age=DEV_CODE_SECONDS)
        except signing.BadSignature:  # SignatureExpired is one too
            raise WeChatError("The stand-in code is forged or expired.") from None
        if not isinstance(openid, str) or not openid:
            raise WeChatError("The stand-in code carries no openid.")
        return openid
