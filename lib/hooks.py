"""Hooks between apps named by dotted-path settings (tracker/settings/base.py, "Hooks between
apps"): a lower app calls a function of a higher one without importing it, so the layers of
pyproject.toml's import-linter contracts hold. The wiring (tracker/) says which function."""

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string


def hook(name: str) -> Callable | None:
    """The function the setting `name` names, or None when it is unset (the feature is off:
    a build without that app)."""
    path = getattr(settings, name, None)
    return import_string(path) if path else None
