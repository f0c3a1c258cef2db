from django.urls import path

from .views import counter, programs, rounds, stock

app_name = "food"
urlpatterns = [
    path("", programs.home, name="home"),
    path("programs/", programs.program_list, name="program_list"),
    path("programs/new/", programs.program_create, name="program_create"),
    path("programs/<int:pk>/", programs.program_detail, name="program_detail"),
    path("programs/<int:pk>/enrol/", programs.card_create, name="card_create"),
    path("cards/", programs.card_list, name="card_list"),
    path("cards/<int:pk>/", programs.card_detail, name="card_detail"),
    path("cards/<int:pk>/print/", programs.card_print, name="card_print"),
    path("cards/<int:pk>/suspend/", programs.card_suspend, name="card_suspend"),
    path("cards/<int:pk>/reactivate/", programs.card_reactivate, name="card_reactivate"),
    path("cards/<int:pk>/renew/", programs.card_renew, name="card_renew"),
    path("c/<str:code>/", programs.card_scan, name="card_scan"),
    path("counter/", counter.counter_home, name="counter_home"),
    path("counter/<int:point_id>/", counter.counter, name="counter"),
    path("counter/<int:point_id>/card/<str:code>/", counter.counter_card, name="counter_card"),
    path("counter/<int:point_id>/emergency/", counter.counter_emergency, name="counter_emergency"),
    path("stock/", stock.warehouse_list, name="warehouse_list"),
    path("stock/<int:pk>/", stock.warehouse_detail, name="warehouse_detail"),
    path("stock/<int:pk>/donation/", stock.donation_create, name="donation_create"),
    path("stock/<int:pk>/waste/", stock.waste_create, name="waste_create"),
    path("stock/<int:pk>/transfer/", stock.transfer_create, name="transfer_create"),
    path("stock/<int:pk>/stocktake/", stock.stocktake, name="stocktake"),
    path("transfers/", stock.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/receive/", stock.transfer_receive, name="transfer_receive"),
    path("reports/", stock.report, name="report"),
    path("catalogue/", stock.item_list, name="item_list"),
    path("points/", stock.point_list, name="point_list"),
    path("meals/", rounds.meal_recipient_list, name="meal_recipient_list"),
    path("meals/new/", rounds.meal_recipient_create, name="meal_recipient_create"),
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("stops/<int:pk>/outcome/", rounds.stop_outcome, name="stop_outcome"),
]
