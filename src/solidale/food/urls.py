from django.urls import URLPattern

app_name = "food"
urlpatterns: list[URLPattern] = []
