from django.urls import path

from gonghui.aid.views import applications, campaigns, hardship, payments

app_name = "aid"

urlpatterns = [
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_edit, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_page, name="campaign"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/batches/", payments.batches, name="batches"),
    path("apply/", applications.apply, name="apply"),
    path("apply/check/", applications.apply_check, name="apply_check"),
    path("mine/", applications.mine, name="mine"),
    path("applications/", applications.application_list, name="applications"),
    path("applications/new/", applications.apply_for, name="apply_for"),
    path("applications/<int:pk>/", applications.application_page, name="application"),
    path("applications/<int:pk>/amend/", applications.amend, name="amend"),
    path("documents/<int:pk>/", applications.document, name="document"),
    path("batches/<int:pk>/", payments.batch_page, name="batch"),
    path("batches/<int:pk>/bank.xlsx", payments.batch_xlsx, name="batch_xlsx"),
    path("awards/<int:pk>/reverse/", payments.award_reverse, name="award_reverse"),
    path("donors/", payments.donors, name="donors"),
    path("donors/<int:pk>/", payments.donor_page, name="donor"),
    *hardship.urlpatterns,
]
