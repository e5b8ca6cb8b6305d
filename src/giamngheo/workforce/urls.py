from django.urls import path

from giamngheo.workforce import views

app_name = "workforce"

urlpatterns = [
    path("", views.home, name="home"),
    path("roster/", views.roster, name="roster"),
    path("roster/new/", views.worker_new, name="worker_new"),
    path("roster/<int:pk>/", views.worker_detail, name="worker_detail"),
    path("roster/<int:pk>/edit/", views.worker_edit, name="worker_edit"),
    path("roster/<int:pk>/contracts/new/", views.contract_new, name="contract_new"),
    path("roster/<int:pk>/assignments/new/", views.assignment_new, name="assignment_new"),
    path(
        "roster/<int:pk>/assignments/<int:assignment_id>/end/",
        views.assignment_end,
        name="assignment_end",
    ),
    path("roster/<int:pk>/status/", views.status_change, name="status_change"),
    path("roster/<int:pk>/account/", views.user_link, name="user_link"),
    path("roster/<int:pk>/evaluations/new/", views.evaluation_new, name="evaluation_new"),
    path("roster/<int:pk>/activities/new/", views.activity_new, name="activity_new"),
    path("roster/<int:pk>/plan/<int:year>/<int:month>/", views.plan, name="plan"),
    path("roster/<int:pk>/report/<int:year>/<int:month>/", views.report, name="report"),
    path("composition/", views.composition, name="composition"),
    path("composition.xlsx", views.composition_xlsx, name="composition_xlsx"),
    path("reporting/", views.reporting, name="reporting"),
    path("reporting/open/", views.reporting_open, name="reporting_open"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests.xlsx", views.request_list_xlsx, name="request_list_xlsx"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path(
        "requests/<int:pk>/transition/<str:name>/",
        views.request_transition,
        name="request_transition",
    ),
    path("requests/<int:pk>/inform/", views.request_inform, name="request_inform"),
    path("requests/<int:pk>/reassign/", views.request_reassign, name="request_reassign"),
    path("changes/", views.change_list, name="change_list"),
    path("changes/new/", views.change_new, name="change_new"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/dismiss/", views.change_dismiss, name="change_dismiss"),
]
