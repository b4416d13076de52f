"""A procedure as FHIR: its CPT codes (API.md Codes) and the Procedure resource."""

from __future__ import annotations

from collections.abc import Iterable

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.procedure import Procedure as FhirProcedure

from recovery.choices import Cause
from recovery.models import Procedure

from . import codes
from .elements import SPINE_ORDER, meta_for, project_coding, ref


def procedure_cpt_codes(procedure_type: str, levels: Iterable[str]) -> list[tuple[str, int]]:
    """(CPT code, units) for a procedure (API.md Codes); [] when no CPT code fits.

    CPT reports a session as one first-level code for the region plus one add-on code per
    further level. The first level is the most cranial one, a convention: CPT does not say
    which level of a multi-region session is "first".
    """
    ordered = sorted(set(levels), key=lambda level: SPINE_ORDER.get(level, len(SPINE_ORDER)))
    if not ordered:
        return []
    regions = [level[:1] for level in ordered]
    extra = len(ordered) - 1
    if procedure_type == "vertebroplasty":
        # 22510 cervicothoracic, 22511 lumbosacral, +22512 each additional level.
        first = (
            codes.CPT_VERTEBROPLASTY_CERVICOTHORACIC
            if regions[0] in {"C", "T"}
            else codes.CPT_VERTEBROPLASTY_LUMBOSACRAL
        )
        additional = codes.CPT_VERTEBROPLASTY_ADDITIONAL
    elif procedure_type == "kyphoplasty":
        # 22513 thoracic, 22514 lumbar, +22515 each additional level. No code fits a cervical
        # or sacral kyphoplasty (API.md): any such level leaves the whole session text only,
        # since a code for part of it would describe a different procedure.
        if any(region not in {"T", "L"} for region in regions):
            return []
        first = (
            codes.CPT_KYPHOPLASTY_THORACIC if regions[0] == "T" else codes.CPT_KYPHOPLASTY_LUMBAR
        )
        additional = codes.CPT_KYPHOPLASTY_ADDITIONAL
    else:
        return []
    result = [(first, 1)]
    if extra:
        result.append((additional, extra))
    return result


def procedure_resource(procedure: Procedure) -> FhirProcedure:
    levels = sorted(
        procedure.vertebral_levels or [],
        key=lambda level: SPINE_ORDER.get(level, len(SPINE_ORDER)),
    )
    cpt = procedure_cpt_codes(procedure.procedure_type, levels)
    text = f"{procedure.get_procedure_type_display()} {', '.join(levels)}".strip()
    if cpt:
        text += " (CPT " + " + ".join(f"{c}" if n == 1 else f"{c} x{n}" for c, n in cpt) + ")"
    code = CodeableConcept(
        # A multi-level session carries its first-level code and the add-on code: together
        # they are how CPT names it; the units are in the text.
        coding=[Coding(system=codes.CPT, code=c, display=codes.CPT_DISPLAY[c]) for c, _ in cpt]
        or None,
        text=text,
    )
    cause = procedure.cause
    return FhirProcedure(
        id=str(procedure.pk),
        meta=meta_for(procedure.updated_at),
        status="completed",
        code=code,
        subject=ref("Patient", procedure.patient_id),
        # A date: the procedure's time of day is not recorded.
        performedDateTime=procedure.performed_on,
        bodySite=[CodeableConcept(text=level) for level in levels] or None,
        reasonCode=[
            CodeableConcept(
                coding=[project_coding("procedure-cause", cause, Cause(cause).label)],
                text=f"Vertebral fracture, cause: {cause}",
            )
        ],
    )
