"""Shared mechanisms every app may import: throttling, error mapping, middleware, logging,
pagination, parsers, strict API fields, the /health/ view and the dotted-path hooks between
apps (hooks.py). Imports none of the apps (pyproject.toml's import-linter contracts)."""
