"""The small FHIR pieces every resource of ours uses: references, our codings, meta."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.reference import Reference

from recovery.choices import VERTEBRAL_LEVELS

from . import codes

SPINE_ORDER = {level: i for i, level in enumerate(VERTEBRAL_LEVELS)}


def ref(resource_type: str, pk: Any) -> Reference:
    return Reference(reference=f"{resource_type}/{pk}")


def project_coding(system: str, code: str, display: str | None = None) -> Coding:
    return Coding(system=codes.project_system(system), code=code, display=display)


def code_label(code: str) -> str:
    return code.replace("_", " ").capitalize()


def fhir_id(value: str) -> str:
    # FHIR ids allow letters, digits, "-" and "."; our codes use "_".
    return value.replace("_", "-")


def latest_of(*values: datetime | None) -> datetime | None:
    present = [v for v in values if isinstance(v, datetime)]
    return max(present) if present else None


def meta_for(last_updated: datetime | None) -> Meta | None:
    return Meta(lastUpdated=last_updated) if last_updated else None
