app_name = "booking_form"
urlpatterns: list = []
