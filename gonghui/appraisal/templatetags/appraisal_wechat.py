"""`{% wechat_enabled as on %}`: whether the verify page offers signing in with WeChat (R21),
known without the view: a backend is configured, and it works in the browser at hand."""

from __future__ import annotations

from django import template

from gonghui.appraisal import wechat

register = template.Library()


@register.simple_tag(takes_context=True)
def wechat_enabled(context: template.Context) -> bool:
    backend = wechat.backend()
    if backend is None:
        return False
    if not backend.in_wechat_only:
        return True
    # The official account's authorisation opens in WeChat's own browser only; elsewhere
    # WeChat would answer "open this link in WeChat", a dead end for the voter.
    request = context.get("request")
    agent = request.headers.get("User-Agent", "") if request is not None else ""
    return "MicroMessenger" in agent
