from django.urls import path

from giamngheo.credit import views

app_name = "credit"

urlpatterns = [
    path("", views.loan_list, name="loan_list"),
    path("loans/new/", views.loan_new, name="loan_new"),
    path("loans/<int:pk>/", views.loan_detail, name="loan_detail"),
    path("loans/<int:pk>/repayments/new/", views.repayment_new, name="repayment_new"),
    path("loans/<int:pk>/checks/new/", views.check_new, name="check_new"),
    path("loans/<int:pk>/write-off/", views.write_off, name="write_off"),
    path("funds/", views.fund_list, name="fund_list"),
    path("funds/new/", views.fund_new, name="fund_new"),
    path("funds/<int:pk>/", views.fund_detail, name="fund_detail"),
    path("funds/<int:pk>/turns/new/", views.fund_turn_new, name="fund_turn_new"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio.xlsx", views.portfolio_xlsx, name="portfolio_xlsx"),
]
