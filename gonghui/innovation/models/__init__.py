"""Innovation with model workers (跟着劳模去创新), in parts: studios and the alliance
(`studios`), pairings, five-small results and the exhibition (`results`)."""

from gonghui.innovation.models.results import *  # noqa: F403
from gonghui.innovation.models.studios import *  # noqa: F403
