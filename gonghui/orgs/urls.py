from django.urls import path

from gonghui.orgs.views import joining, members, roster, tree

app_name = "orgs"

urlpatterns = [
    path("orgs/", tree.tree, name="tree"),
    path("orgs/<int:pk>/", tree.org_page, name="org"),
    path("orgs/<int:pk>/children/", tree.children, name="children"),
    path("orgs/<int:pk>/edit/", tree.org_edit, name="org_edit"),
    path("members/", members.member_list, name="members"),
    path("members/<int:pk>/", members.member_page, name="member"),
    path("members/<int:pk>/reveal/", members.member_reveal, name="member_reveal"),
    path("memberships/<int:pk>/transfer/", members.member_transfer, name="member_transfer"),
    path("memberships/<int:pk>/end/", members.member_end, name="member_end"),
    path("members/export/", members.member_export, name="member_export"),
    path("members/export/<uuid:pk>/", members.member_export_download, name="member_export_file"),
    path("join/", joining.join, name="join"),
    path("join/status/", joining.join_status, name="join_status"),
    path("me/membership/", joining.my_membership, name="my_membership"),
    path("applications/", joining.applications, name="applications"),
    path("applications/<int:pk>/decide/", joining.application_decide, name="application_decide"),
    path("roster/", roster.upload, name="roster_upload"),
    path("roster/template.xlsx", roster.template, name="roster_template"),
    path("roster/<uuid:pk>/map/", roster.map_columns, name="roster_map"),
    path("roster/<uuid:pk>/", roster.check, name="roster_check"),
    path("roster/<uuid:pk>/errors.xlsx", roster.error_report, name="roster_errors"),
]
