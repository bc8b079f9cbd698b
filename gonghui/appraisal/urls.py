from django.urls import path

from gonghui.appraisal.views import public, share, staff, wechat

app_name = "appraisal"

urlpatterns = [
    # The public, on phones; the vote first, the busiest path
    path("vote/<int:pk>/candidates/<int:candidate_pk>/vote/", public.vote, name="vote"),
    path("vote/<int:pk>/", public.campaign_page, name="campaign"),
    path("vote/<int:pk>/verify/", public.verify, name="verify"),
    path("vote/<int:pk>/wechat/", wechat.wechat_start, name="wechat_start"),
    path("vote/<int:pk>/wechat/callback/", wechat.wechat_callback, name="wechat_callback"),
    path("vote/wechat/dev-consent/", wechat.wechat_dev_consent, name="wechat_dev_consent"),
    path("vote/<int:pk>/<int:number>/", public.candidate_page, name="candidate"),
    path("vote/<int:pk>/<int:number>/poster.png", share.poster, name="poster"),
    path("vote/<int:pk>/candidates/<int:candidate_pk>/like/", public.like, name="like"),
    # Staff
    path("appraisal/", staff.campaign_list, name="campaigns"),
    path("appraisal/new/", staff.campaign_new, name="campaign_new"),
    path("appraisal/<int:pk>/", staff.manage, name="manage"),
    path("appraisal/<int:pk>/nominate/", staff.nominate, name="nominate"),
    path("appraisal/<int:pk>/flags/", staff.flags, name="flags"),
    path("appraisal/<int:pk>/jury/", staff.jury_open, name="jury_open"),
    path("appraisal/<int:pk>/results/", staff.results_compute, name="results_compute"),
    path("appraisal/<int:pk>/results/notice/", staff.results_publish, name="results_publish"),
    path("appraisal/candidates/<int:pk>/decide/", staff.decide, name="decide"),
    path("appraisal/<int:pk>/candidate-action/", staff.candidate_action, name="candidate_action"),
    path("appraisal/flags/<int:pk>/decide/", staff.flag_decide, name="flag_decide"),
]
