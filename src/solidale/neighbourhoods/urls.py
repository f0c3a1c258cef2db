from django.urls import URLPattern

app_name = "neighbourhoods"
urlpatterns: list[URLPattern] = []
