"""Shared mechanisms every app may import: throttling, error mapping, middleware, logging,
pagination, parsers, strict API fields and the /health/ view. Imports none of the apps
(pyproject.toml's import-linter contracts check it)."""
