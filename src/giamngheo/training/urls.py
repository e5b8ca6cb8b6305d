from django.urls import path

from giamngheo.training import views

app_name = "training"

urlpatterns = [
    path("", views.index, name="index"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_pk>/classes/new/", views.class_new, name="class_new"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("classes/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("classes/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("classes/<int:pk>/costs/new/", views.cost_new, name="cost_new"),
    path("classes/<int:pk>/register/", views.register, name="register"),
    path("classes/<int:pk>/certificates/", views.certificates_issue, name="certificates_issue"),
    path("classes/<int:pk>/tests/<str:kind>/new/", views.class_test_new, name="class_test_new"),
    path("costs/<int:pk>/delete/", views.cost_delete, name="cost_delete"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("registrations/<int:pk>/unregister/", views.unregister, name="unregister"),
    path("registrations/<int:pk>/certificate.pdf", views.certificate, name="certificate"),
    path("mine/", views.mine, name="mine"),
    path("participants/", views.participant_list, name="participant_list"),
    path("participants/new/", views.participant_new, name="participant_new"),
    path("participants/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("questions/", views.question_list, name="question_list"),
    path("questions/new/", views.question_new, name="question_new"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("tests/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path(
        "tests/<int:pk>/answers/<int:participant_pk>/",
        views.attempt_entry,
        name="attempt_entry",
    ),
    path("contests/", views.contest_list, name="contest_list"),
    path("contests/new/", views.contest_new, name="contest_new"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics.xlsx", views.statistics_export, name="statistics_export"),
    path("handbook/", views.handbook_index, name="handbook"),
    path("handbook/new/", views.handbook_page_new, name="handbook_page_new"),
    path("handbook/standards/<str:code>/", views.handbook_standard, name="handbook_standard"),
    path("handbook/<int:pk>/", views.handbook_page, name="handbook_page"),
    path("handbook/<int:pk>/edit/", views.handbook_page_edit, name="handbook_page_edit"),
    path("handbook/<int:pk>/history/", views.handbook_history, name="handbook_history"),
    path(
        "handbook/<int:pk>/versions/<int:number>/",
        views.handbook_version,
        name="handbook_version",
    ),
]
