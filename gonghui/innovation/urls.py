from django.urls import URLPattern, path

from gonghui.innovation.views import alliance as alliance_views
from gonghui.innovation.views import exhibition as exhibition_views
from gonghui.innovation.views import figures as figure_views
from gonghui.innovation.views import pairings as pairing_views
from gonghui.innovation.views import results as result_views
from gonghui.innovation.views import studio_admin as studio_admin_views
from gonghui.innovation.views import studios as studio_views

app_name = "innovation"

urlpatterns: list[URLPattern] = [
    path("figures/", figure_views.figures, name="figures"),
]

# --- Studios and the alliance (R15) ---
urlpatterns += [
    path("studios/", studio_views.studio_list, name="studios"),
    path("studios/new/", studio_views.studio_new, name="studio_new"),
    path("studios/<int:pk>/", studio_views.studio_page, name="studio"),
    path("studios/<int:pk>/approve/", studio_views.studio_approve, name="studio_approve"),
    path("studios/<int:pk>/publish/", studio_views.studio_publish, name="studio_publish"),
    path("studios/<int:pk>/projects/", studio_views.project_add, name="project_add"),
    path("studios/<int:pk>/subsidy/", studio_views.subsidy_add, name="subsidy_add"),
    path("studios/<int:pk>/join/", studio_views.studio_join, name="studio_join"),
    path("studios/<int:pk>/team/", studio_admin_views.team_add, name="team_add"),
    path("titles/", studio_admin_views.titles, name="titles"),
    path("subsidy-rates/", studio_admin_views.subsidy_rates, name="subsidy_rates"),
    path("reviews/", studio_views.review_rounds, name="review_rounds"),
    path("reviews/<int:pk>/", studio_views.review_round_page, name="review_round"),
    path(
        "reviews/<int:pk>/studios/<int:studio_pk>/outcome/",
        studio_views.review_outcome,
        name="review_outcome",
    ),
    path("alliance/", alliance_views.alliance_page, name="alliance"),
    path("alliance/seats/<int:pk>/", alliance_views.seat_decide, name="seat_decide"),
    path("alliance/squads/<int:pk>/close/", alliance_views.squad_close, name="squad_close"),
    path("alliance/advisors/new/", studio_admin_views.advisor_new, name="advisor_new"),
    path("alliance/squads/new/", studio_admin_views.squad_new, name="squad_new"),
    path("help/", alliance_views.help_page, name="help"),
    path("requests/", alliance_views.request_queue, name="requests"),
    path("requests/<int:pk>/", alliance_views.request_page, name="request"),
    path("requests/<int:pk>/assign/", alliance_views.request_assign, name="request_assign"),
    path("requests/<int:pk>/start/", alliance_views.request_start, name="request_start"),
    path("requests/<int:pk>/close/", alliance_views.request_close, name="request_close"),
]

# --- Pairings, five-small results (R14) and the exhibition ---
urlpatterns += [
    path("pairings/", pairing_views.pairing_list, name="pairings"),
    path("pairings/new/", pairing_views.pairing_new, name="pairing_new"),
    path("pairings/<int:pk>/", pairing_views.pairing_page, name="pairing"),
    path("pairings/<int:pk>/plan/", pairing_views.pairing_plan_add, name="pairing_plan_add"),
    path(
        "pairings/<int:pk>/plan/<int:item_pk>/done/",
        pairing_views.pairing_plan_done,
        name="pairing_plan_done",
    ),
    path(
        "pairings/<int:pk>/activities/",
        pairing_views.pairing_activity_add,
        name="pairing_activity_add",
    ),
    path(
        "pairings/<int:pk>/outcomes/",
        pairing_views.pairing_outcome_add,
        name="pairing_outcome_add",
    ),
    path("five-small/", result_views.round_list, name="five_small"),
    path("five-small/new/", result_views.round_new, name="five_small_round_new"),
    path("five-small/<int:pk>/", result_views.round_page, name="five_small_round"),
    path("five-small/<int:pk>/submit/", result_views.result_new, name="five_small_submit"),
    path(
        "five-small/<int:pk>/judging/",
        result_views.round_judging_open,
        name="five_small_judging_open",
    ),
    path("five-small/<int:pk>/award/", result_views.round_award, name="five_small_award"),
    path("five-small/results/<int:pk>/", result_views.result_page, name="five_small_result"),
    path(
        "five-small/results/<int:pk>/pledge/",
        result_views.result_pledge,
        name="five_small_pledge",
    ),
    path(
        "five-small/results/<int:pk>/attachments/",
        result_views.result_attach,
        name="five_small_attach",
    ),
    path(
        "five-small/results/<int:pk>/patents/",
        result_views.result_patent,
        name="five_small_patent",
    ),
    path("five-small/results/<int:pk>/value/", result_views.result_value, name="five_small_value"),
    path(
        "five-small/attachments/<int:pk>/",
        result_views.attachment_download,
        name="five_small_attachment",
    ),
    path("exhibitions/", exhibition_views.exhibition_list, name="exhibitions"),
    path("exhibitions/new/", exhibition_views.exhibition_new, name="exhibition_new"),
    path("exhibitions/<int:pk>/", exhibition_views.exhibition_page, name="exhibition"),
    path(
        "exhibitions/<int:pk>/results/",
        exhibition_views.exhibition_result_add,
        name="exhibition_result_add",
    ),
    path(
        "exhibitions/<int:pk>/batches/",
        exhibition_views.exhibition_slot_add,
        name="exhibition_slot_add",
    ),
    path("exhibitions/<int:pk>/book/", exhibition_views.exhibition_book, name="exhibition_book"),
    path(
        "exhibitions/<int:pk>/public/",
        exhibition_views.exhibition_public,
        name="exhibition_public",
    ),
]
