"""Settings for the recovery tracker, read from the environment (API.md "Configuration").

The defaults run on one machine with nothing installed: SQLite, Celery on kombu's filesystem
transport (works across processes, needs no server) and email written to files under var/.
DJANGO_SETTINGS_MODULE stays "tracker.settings"; the groups live in modules named for them.
"""

from .api import *  # noqa: F403
from .base import *  # noqa: F403
from .delivery import *  # noqa: F403
from .security import *  # noqa: F403
