"""What the patient reports and what it raised: check-ins as Observations, alerts as Flags."""

from __future__ import annotations

from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference

from recovery.choices import AlertStatus, Symptom
from recovery.models import Alert, CheckIn

from . import codes
from .elements import code_label, fhir_id, latest_of, meta_for, project_coding, ref

_NOT_ASKED = CodeableConcept(
    coding=[Coding(system=codes.DATA_ABSENT_REASON, code="not-asked", display="Not Asked")]
)


def checkin_observations(
    checkin: CheckIn, *, performer: Reference | None = None
) -> list[Observation]:
    """A check-in as Observations: pain always (its absence said when not asked), temperature
    when given, one per symptom.

    `performer`: the caregiver's RelatedPerson when a caregiver entered it, else the patient.
    """
    common = {
        "status": "final",
        "subject": ref("Patient", checkin.patient_id),
        # Self-reported through the app, by the patient or by their caregiver for them.
        "performer": [performer or ref("Patient", checkin.patient_id)],
        "effectiveDateTime": checkin.recorded_at,
        "issued": checkin.received_at,
        "meta": meta_for(checkin.received_at),
    }
    survey = [CodeableConcept(coding=[Coding(system=codes.OBSERVATION_CATEGORY, code="survey")])]
    observations = [
        Observation(
            id=f"{checkin.pk}-pain",
            category=survey,
            code=CodeableConcept(
                coding=[
                    Coding(
                        system=codes.LOINC,
                        code=codes.LOINC_PAIN_SEVERITY,
                        display=codes.LOINC_PAIN_SEVERITY_DISPLAY,
                    )
                ],
                text="Pain score (0-10)",
            ),
            valueInteger=checkin.pain_score,
            # Stored at an emergency "yes" before the app asked the pain.
            dataAbsentReason=_NOT_ASKED if checkin.pain_score is None else None,
            note=[{"text": checkin.notes}] if checkin.notes else None,
            **common,
        )
    ]
    if checkin.temperature_c is not None:
        observations.append(
            Observation(
                id=f"{checkin.pk}-temperature",
                category=[
                    CodeableConcept(
                        coding=[Coding(system=codes.OBSERVATION_CATEGORY, code="vital-signs")]
                    )
                ],
                code=CodeableConcept(
                    coding=[
                        Coding(
                            system=codes.LOINC,
                            code=codes.LOINC_BODY_TEMPERATURE,
                            display=codes.LOINC_BODY_TEMPERATURE_DISPLAY,
                        )
                    ],
                    text="Body temperature",
                ),
                valueQuantity=Quantity(
                    value=round(checkin.temperature_c, 1),
                    unit=codes.UCUM_CELSIUS,
                    system=codes.UCUM,
                    code=codes.UCUM_CELSIUS,
                ),
                **common,
            )
        )
    for symptom in sorted(set(checkin.symptoms or [])):
        label = Symptom(symptom).label if symptom in Symptom.values else code_label(symptom)
        observations.append(
            Observation(
                id=f"{checkin.pk}-{fhir_id(symptom)}",
                category=survey,
                code=CodeableConcept(
                    coding=[project_coding("symptom", symptom, label)], text=label
                ),
                # Present: the patient ticked it. Absent symptoms are not exported.
                valueBoolean=True,
                **common,
            )
        )
    return observations


FLAG_STATUS = {
    AlertStatus.OPEN: "active",
    AlertStatus.ACKNOWLEDGED: "active",
    AlertStatus.RESOLVED: "inactive",
}


def alert_flag(alert: Alert) -> Flag:
    return Flag(
        id=str(alert.pk),
        meta=meta_for(
            latest_of(
                alert.created_at,
                alert.last_triggered_at,
                alert.acknowledged_at,
                alert.resolved_at,
            )
        ),
        status=FLAG_STATUS[alert.status],
        category=[
            CodeableConcept(coding=[Coding(system=codes.FLAG_CATEGORY, code="clinical")]),
            CodeableConcept(
                coding=[
                    project_coding("alert-severity", alert.severity, code_label(alert.severity))
                ],
                text=alert.severity,
            ),
        ],
        code=CodeableConcept(
            coding=[project_coding("alert-rule", alert.rule, code_label(alert.rule))],
            text=alert.rule,
        ),
        subject=ref("Patient", alert.patient_id),
        period=Period(start=alert.created_at, end=alert.resolved_at),
    )
