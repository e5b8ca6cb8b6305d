from django.urls import path

from giamngheo.programmes.deliveries import views

app_name = "deliveries"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, name="export"),
    path("signing-sheet.pdf", views.signing_sheet, name="signing_sheet"),
    path("reach/", views.reach_page, name="reach"),
    path("reach/export.xlsx", views.reach_export, name="reach_export"),
    path("bulk/", views.bulk, name="bulk"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("sheet-imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("household/<int:household_pk>/new/", views.household_new, name="household_new"),
    path("household/<int:household_pk>/card/", views.card_new, name="card_new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/receipt.pdf", views.receipt, name="receipt"),
]
