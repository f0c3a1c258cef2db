from django.urls import URLPattern

app_name = "shelter"
urlpatterns: list[URLPattern] = []
