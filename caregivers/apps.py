from django.apps import AppConfig


class CaregiversConfig(AppConfig):
    name = "caregivers"
