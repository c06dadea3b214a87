from django.urls import path

from interlocal.costing import views

app_name = "costing"

urlpatterns = [
    path("", views.cost_model_list, name="cost_models"),
    path("new/", views.cost_model_create, name="cost_model_create"),
    path("<int:pk>/", views.cost_model_detail, name="cost_model_detail"),
    path("<int:pk>/edit/", views.cost_model_edit, name="cost_model_edit"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/edit/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/compare/", views.scenario_compare, name="scenario_compare"),
    path("scenarios/<int:pk>/choose-rule/", views.scenario_choose_rule, name="scenario_choose_rule"),
    path("scenarios/<int:pk>/rates/", views.scenario_rates, name="scenario_rates"),
    path("scenarios/<int:pk>/copy/", views.scenario_copy, name="scenario_copy"),
    path("scenarios/<int:pk>/diff/", views.scenario_diff, name="scenario_diff"),
    path("scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario_delete"),
    path("scenarios/<int:pk>/upload/", views.scenario_upload, name="scenario_upload"),
    path("scenarios/<int:pk>/template/", views.scenario_template, name="scenario_template"),
    path("scenarios/<int:pk>/report.pdf", views.scenario_pdf, name="scenario_pdf"),
    path("scenarios/<int:pk>/workbook.xlsx", views.scenario_xlsx, name="scenario_xlsx"),
    path("scenarios/<int:pk>/members/add/", views.participant_add, name="participant_add"),
    path("scenarios/<int:pk>/members/<int:member_pk>/", views.participant_edit, name="participant_edit"),
    path(
        "scenarios/<int:pk>/members/<int:member_pk>/charge-consent/",
        views.participant_charge_consent,
        name="participant_charge_consent",
    ),
    path(
        "scenarios/<int:pk>/members/<int:member_pk>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
]
