from django.urls import path

from giamngheo.review import views
from giamngheo.review.views import average

app_name = "review"

urlpatterns = [
    path("", views.home, name="home"),
    path("progress/", views.progress, name="progress"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/steering/", views.steering_add, name="steering_add"),
    path("rounds/<int:pk>/reviewers/", views.reviewer_add, name="reviewer_add"),
    path("rounds/<int:pk>/start/", views.round_start, name="round_start"),
    path("rounds/<int:pk>/flag/", views.entry_flag, name="entry_flag"),
    path("rounds/<int:pk>/surveys/", views.round_surveys, name="round_surveys"),
    path("rounds/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("rounds/<int:pk>/postings/new/", views.posting_new, name="posting_new"),
    path("rounds/<int:pk>/consult/", views.round_consult, name="round_consult"),
    path("rounds/<int:pk>/decision/new/", views.decision_new, name="decision_new"),
    path("rounds/<int:pk>/report/", views.report, name="report"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes.pdf", views.meeting_minutes_pdf, name="meeting_minutes_pdf"),
    path("meetings/<int:pk>/scan/", views.meeting_scan, name="meeting_scan"),
    path("meetings/<int:pk>/scan/file", views.meeting_scan_file, name="meeting_scan_file"),
    path("postings/<int:pk>/", views.posting_detail, name="posting_detail"),
    path("postings/<int:pk>/list.pdf", views.posting_pdf, name="posting_pdf"),
    path("lines/<int:pk>/complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/recheck/", views.complaint_recheck, name="complaint_recheck"),
    path("complaints/<int:pk>/resolve/", views.complaint_resolve, name="complaint_resolve"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path("decisions/<int:pk>/certificates/", views.certificates_issue, name="certificates_issue"),
    path("decisions/<int:pk>/certificates.pdf", views.certificates_pdf, name="certificates_pdf"),
    path("certificates/<int:pk>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("provinces/<str:code>/<int:year>/", views.province, name="province"),
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path(
        "applications/from-change/<int:pk>/",
        views.application_from_change,
        name="application_from_change",
    ),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/letter.pdf",
        views.application_letter_pdf,
        name="application_letter_pdf",
    ),
    # Average-living-standard households (QĐ 24/2021 Art. 2.2, 3, 6).
    path("average/", average.average_home, name="average_home"),
    path("average/new/", average.average_new, name="average_new"),
    path("average/<int:pk>/", average.average_detail, name="average_detail"),
    path("average/<int:pk>/income/", average.average_income, name="average_income"),
    path("average/<int:pk>/letter.pdf", average.average_letter_pdf, name="average_letter_pdf"),
    path(
        "average/communes/<str:code>/decision/new/",
        average.average_decision_new,
        name="average_decision_new",
    ),
    path(
        "average/communes/<str:code>/<int:year>/",
        average.average_year_list,
        name="average_year_list",
    ),
    path(
        "average/recognitions/<int:pk>/",
        average.average_decision_detail,
        name="average_decision_detail",
    ),
    path(
        "average/recognitions/<int:pk>/decision.pdf",
        average.average_decision_pdf,
        name="average_decision_pdf",
    ),
]
