from django.urls import path

from interlocal.taxonomy import views

app_name = "taxonomy"

urlpatterns = [
    path("", views.area_list, name="areas"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/<int:pk>/", views.area_detail, name="area_detail"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("areas/<int:pk>/synonyms/", views.synonym_add, name="synonym_add"),
    path("synonyms/<int:pk>/delete/", views.synonym_delete, name="synonym_delete"),
    path("review/", views.term_queue, name="queue"),
    path("review/<int:pk>/", views.term_detail, name="term_detail"),
]
