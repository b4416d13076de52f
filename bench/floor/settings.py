"""The floor: the least a Django process can do for the benchmark's two requests.

Served by the same gunicorn command line as the service (bench/driver.py), on the same
database, with the same secret key so the service's JWTs verify here too. No DRF, no ORM
models, no middleware: the gap between this and the service is what the service's layers cost.
"""

import environ

env = environ.Env()

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.floor.urls"
DATABASES = {"default": env.db("DATABASE_URL")}
# The same persistent connections as the service (tracker/settings.py).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
USE_TZ = True
TIME_ZONE = "UTC"
LOGGING_CONFIG = None
