"""The site as the vote benchmark serves it: the real settings, a do-nothing view beside the
real URLs, and no per-network soft limit (every request comes from 127.0.0.1)."""

from gonghui.settings import *  # noqa: F403  # the real site, two lines changed

ROOT_URLCONF = "bench.urls"
APPRAISAL_VOTES_PER_NETWORK_PER_MINUTE = 10**9
