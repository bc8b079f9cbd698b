"""Panel pages: a judge's panels, the tablet-sized marking page (htmx, one sheet saved at a
time, each mark checked against its criterion's maximum), and the panel page where staff seat
judges, record times, follow the marking and lock the results (R18, R19). Publishing is the
program's: a contest publishes only after its appeal window."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.http import request_user
from gonghui.core.models import User
from gonghui.core.permissions import Perm
from gonghui.core.scoping import actor_can
from gonghui.scoring import engine, selectors, services
from gonghui.scoring.forms import JudgeForm, TimeForm
from gonghui.scoring.models import Entry, JudgeRole, Panel, PanelJudge, ScoreSheet
from gonghui.scoring.programs import program_for


def _subject_url(panel: Panel) -> str:
    program = program_for(panel.program)
    return program.subject_url(panel) if program else ""


def _subject_label(panel: Panel) -> str:
    program = program_for(panel.program)
    return str(program.subject_label) if program and program.subject_label else ""


def _position(panel: Panel, entry: Entry) -> str:
    program = program_for(panel.program)
    if entry.position is None or program is None or not program.position_label:
        return ""
    return str(program.position_label) % {"n": entry.position}


def _summary(panel: Panel, seat: PanelJudge) -> dict[str, int]:
    entries = list(panel.entries.all())
    recused = sum(1 for e in entries if services.is_recused(seat, e))
    done = ScoreSheet.objects.filter(panel=panel, judge=seat).count()
    return {"done": done, "recused": recused, "to_mark": len(entries) - recused}


def _employers(panel: Panel) -> list[tuple[str, str]]:
    program = program_for(panel.program)
    return program.employer_choices(panel) if program else []


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The panels the actor judges, and those they run."""
    actor = request_user(request)
    if not (actor_can(actor, Perm.SCORE_ENTER) or actor_can(actor, Perm.SCORE_MANAGE)):
        raise Http404
    seats = list(selectors.panels_judged_by(actor)[:50])
    managed = list(selectors.panels_managed_by(actor)[:50])
    return render(request, "scoring/mine.html", {"seats": seats, "managed": managed})


# --- Marking ------------------------------------------------------------------------------------


def _card(
    panel: Panel,
    rubric: engine.Rubric,
    seat: PanelJudge,
    entry: Entry,
    sheet: ScoreSheet | None,
) -> dict[str, Any]:
    mine = set(seat.criteria) or {c.code for c in rubric.criteria}
    marks = sheet.decimal_marks() if sheet else {}
    return {
        "entry": entry,
        "sheet": sheet,
        "recused": services.is_recused(seat, entry),
        "criteria": [
            {"criterion": c, "value": marks.get(c.code, "")}
            for c in rubric.criteria
            if c.code in mine
        ],
        "double_entry": panel.double_entry,
        "agree": sheet.entries_agree if sheet else False,
        "position": _position(panel, entry),
    }


@login_required
@require_GET
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    panel, seat = selectors.panel_get_judge(actor, pk)
    sheets = {s.entry_id: s for s in ScoreSheet.objects.filter(panel=panel, judge=seat)}
    rubric = panel.rubric.to_engine()  # once: a city final has hundreds of cards
    cards = [_card(panel, rubric, seat, e, sheets.get(e.pk)) for e in panel.entries.all()]
    recused = sum(1 for c in cards if c["recused"])
    context = {
        "panel": panel,
        "seat": seat,
        "cards": cards,
        "open": selectors.is_open(panel),
        "done": len(sheets),
        "recused": recused,
        "to_mark": len(cards) - recused,
        "subject_url": _subject_url(panel),
        "subject_label": _subject_label(panel),
    }
    return render(request, "scoring/mark.html", context)


@login_required
@require_POST
def sheet_save(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """One sheet. With htmx the entrant's card comes back, saved or with the reasons it was
    refused and the marks as typed; without it, the marking page again."""
    actor = request_user(request)
    panel, seat = selectors.panel_get_judge(actor, pk)
    entry = panel.entries.filter(pk=entry_pk).first() if 0 < entry_pk < 2**63 else None
    if entry is None:
        raise Http404
    rubric = panel.rubric.to_engine()
    typed = {
        c.code: request.POST.get(c.code, "") for c in rubric.criteria if c.code in request.POST
    }
    second = request.POST.get("second_entry") == "1"
    errors: list[str] = []
    try:
        services.sheet_save(actor=actor, panel=panel, entry=entry, marks=typed, second_entry=second)
    except ValidationError as exc:
        errors = _messages_of(exc)
    except PermissionDenied as exc:
        raise Http404 from exc
    sheet = ScoreSheet.objects.filter(judge=seat, entry=entry).first()
    if not request.headers.get("HX-Request"):
        for error in errors:
            messages.error(request, f"{entry.label}：{error}")
        if not errors:
            messages.success(request, _("Marks saved for %(entrant)s.") % {"entrant": entry.label})
        return redirect("scoring:mark", pk=panel.pk)
    card = _card(panel, rubric, seat, entry, sheet)
    if errors:
        card["criteria"] = [
            dict(row, value=typed.get(row["criterion"].code, "")) for row in card["criteria"]
        ]
    card |= {"errors": errors, "saved": not errors, "panel": panel, "open": True, "second": second}
    card |= {"summary": _summary(panel, seat)}  # the page's count, swapped out of band
    return render(request, "scoring/_partials/card.html", card)


# --- The panel ----------------------------------------------------------------------------------


def _judge_form(panel: Panel, data: Any = None) -> JudgeForm:
    return JudgeForm(data, users=selectors.seat_candidates(panel), employers=_employers(panel))


@login_required
@require_GET
def panel_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    panel = selectors.panel_get_manage(actor, pk)
    return _panel_page(request, panel)


def _panel_page(
    request: HttpRequest, panel: Panel, judge_form: JudgeForm | None = None, status: int = 200
) -> HttpResponse:
    judges, rows = selectors.marking_progress(panel)
    employer_names = dict(_employers(panel))
    seats = [
        {
            "judge": j,
            "employer": employer_names.get(j.employer_key, ""),
            "recused_from": sum(1 for r in rows for c in r.cells if c.judge == j and c.recused),
        }
        for j in panel.judges.select_related("user").order_by("role", "pk")
    ]
    results = list(panel.results.select_related("entry").order_by("rank", "entry_id"))
    context = {
        "panel": panel,
        "judges": judges,
        "seats": seats,
        "rows": rows,
        "complete": sum(1 for r in rows if r.complete),
        "open": selectors.is_open(panel),
        "judge_form": judge_form or _judge_form(panel),
        "results": results,
        "parts": panel.rubric.parts.order_by("position"),
        "subject_url": _subject_url(panel),
        "subject_label": _subject_label(panel),
        "tie_breaks": panel.engine_tie_breaks(),
        "time_form": TimeForm(),
    }
    return render(request, "scoring/panel.html", context, status=status)


@login_required
@require_POST
def judge_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = request_user(request)
    panel = selectors.panel_get_manage(actor, pk)
    form = _judge_form(panel, request.POST)
    if form.is_valid():
        user = User.objects.get(pk=int(form.cleaned_data["user"]))
        note = form.cleaned_data["conflict_note"].strip()
        try:
            seat = services.judge_add(
                actor=actor,
                panel=panel,
                user=user,
                role=JudgeRole(form.cleaned_data["role"]),
                employer_key=form.cleaned_data["employer_key"],
                conflict_declared=bool(note),
                conflict_note=note,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("%(user)s is on the panel as %(role)s.")
                % {"user": user.display_name or user.username, "role": seat.get_role_display()},
            )
            return redirect("scoring:panel", pk=panel.pk)
    return _panel_page(request, panel, judge_form=form, status=400)


@login_required
@require_POST
def entry_time(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    actor = request_user(request)
    panel = selectors.panel_get_manage(actor, pk)
    entry = panel.entries.filter(pk=entry_pk).first() if 0 < entry_pk < 2**63 else None
    if entry is None:
        raise Http404
    form = TimeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("%(entrant)s: give the time as minutes and seconds.") % {"entrant": entry.label},
        )
    else:
        try:
            services.entry_time_record(actor=actor, entry=entry, seconds=form.total())
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("%(entrant)s: %(minutes)s min %(seconds)s s recorded.")
                % {
                    "entrant": entry.label,
                    "minutes": form.cleaned_data["minutes"],
                    "seconds": form.cleaned_data["seconds"],
                },
            )
    return redirect(f"{reverse('scoring:panel', args=[panel.pk])}#entry-{entry.pk}")


@login_required
@require_POST
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    """R19: every result computed and locked at once, or the gaps named and nothing locked."""
    actor = request_user(request)
    panel = selectors.panel_get_manage(actor, pk)
    try:
        results = services.results_lock(actor=actor, panel=panel)
    except ValidationError as exc:
        for message in _messages_of(exc)[:30]:
            messages.error(request, message)
    else:
        prizes = sum(1 for r in results if r.prize_tier)
        messages.success(
            request,
            _("Results locked: %(n)s entrants ranked, %(prizes)s prizes.")
            % {"n": len(results), "prizes": prizes},
        )
    return redirect("scoring:panel", pk=panel.pk)
