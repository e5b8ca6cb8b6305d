from django.urls import path

from giamngheo.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/edit/", views.programme_edit, name="edit"),
    path("<int:pk>/lists/new/", views.list_new, name="list_new"),
    path("lists/", views.list_index, name="lists"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/export.xlsx", views.list_export, name="list_export"),
    path("lists/<int:pk>/add/", views.entry_add, name="entry_add"),
    path("lists/<int:pk>/post/", views.list_post, name="list_post"),
    path("lists/<int:pk>/approve/", views.list_approve, name="list_approve"),
    path("entries/<int:pk>/exclude/", views.entry_exclude, name="entry_exclude"),
    path("entries/<int:pk>/restore/", views.entry_restore, name="entry_restore"),
]
