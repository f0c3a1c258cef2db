from django.urls import URLPattern

app_name = "tavolo"
urlpatterns: list[URLPattern] = []
