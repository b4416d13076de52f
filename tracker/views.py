from django.shortcuts import redirect
from django.urls import Resolver404, resolve


def home(request):
    """`/` sends people to a sign-in: the patient app's (the main door) where this build has
    one, else the care team's dashboard."""
    try:
        resolve("/app/")
    except Resolver404:
        return redirect("dashboard:login")
    return redirect("/app/")
