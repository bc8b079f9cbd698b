"""The figures of innovation with model workers for a federation's subtree on one page (the
lead report's 78 studios, 20 core, 6 advisors, 10 squads, 13 pairings, 158 results, 208
proposals, value created): studios and the alliance, pairings, five-small results and the
exhibition, and rationalisation proposals, each from its own part's selector."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from gonghui.core.http import request_user
from gonghui.core.models import Org, OrgKind
from gonghui.core.permissions import Perm
from gonghui.core.scoping import Actor, grants_for
from gonghui.innovation.models import StudioField, StudioLevel
from gonghui.innovation.selectors_results import ResultsFigures, results_figures
from gonghui.innovation.selectors_studios import StudioFigures, studio_figures
from gonghui.proposals.models import Stage
from gonghui.proposals.selectors import ProposalFigures, proposal_figures


@dataclass(frozen=True)
class Figures:
    org: Org
    year: int
    studios: StudioFigures
    results: ResultsFigures
    proposals: ProposalFigures

    @property
    def value_created(self) -> Decimal:
        """Saved or created by innovation: studio results, five-small results and the assessed
        benefit of proposals."""
        return (
            self.studios.value_created + self.results.value_created + self.proposals.benefit_total
        )


def figure_orgs(actor: Actor) -> list[Org]:
    """Where the actor may read the figures: each org they run innovation at, and the district
    federations just below it."""
    found: dict[int, Org] = {}
    for grant in sorted(grants_for(actor, Perm.INNOVATION_MANAGE), key=lambda g: g.org.path):
        found[grant.org.pk] = grant.org
        for child in grant.org.children.filter(kind=OrgKind.DISTRICT_FEDERATION).order_by("code"):
            found[child.pk] = child
    return list(found.values())


def _shown(value: Decimal | None, unit: str = "") -> str:
    return "—" if value is None else f"{value}{unit}"


def _chart(rows: list[tuple[str, int]]) -> dict[str, list[Any]]:
    return {"labels": [r[0] for r in rows], "values": [r[1] for r in rows]}


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    actor = request_user(request)
    orgs = figure_orgs(actor)
    if not orgs:
        raise Http404
    chosen = request.GET.get("org", "")
    org = next((o for o in orgs if str(o.pk) == chosen), orgs[0])
    this_year = timezone.localdate().year
    year_raw = request.GET.get("year", "")
    year = int(year_raw) if year_raw.isdigit() and 2000 <= int(year_raw) <= 2100 else this_year
    found = Figures(
        org=org,
        year=year,
        studios=studio_figures(actor, org, year),
        results=results_figures(actor, org, year),
        proposals=proposal_figures(actor, org, year),
    )
    levels = [(str(c.label), found.studios.by_level.get(c.value, 0)) for c in StudioLevel]
    fields = [(str(c.label), found.studios.by_field.get(c.value, 0)) for c in StudioField]
    stages = [(str(s.label), found.proposals.by_stage.get(s.value, 0)) for s in Stage]
    kinds = sorted(found.results.by_kind.items(), key=lambda kv: -kv[1])
    context = {
        "f": found,
        "orgs": orgs,
        "years": range(this_year, this_year - 5, -1),
        "levels": levels,
        "fields": [row for row in fields if row[1]],
        "stages": stages,
        "kinds": kinds,
        "level_chart": _chart(levels),
        "field_chart": _chart([row for row in fields if row[1]]),
        "stage_chart": _chart(stages),
        "kind_chart": _chart(kinds),
        "per_hundred": _shown(found.proposals.per_hundred_members),
        "participation": _shown(found.proposals.participation_rate, " %"),
        "adoption": _shown(found.proposals.adoption_rate, " %"),
    }
    return render(request, "innovation/figures.html", context)
