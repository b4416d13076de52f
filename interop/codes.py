"""Code systems and codes of the FHIR export, from API.md "Codes" unless marked as ours.

SNOMED CT is deliberately absent: API.md says its codes were not verifiable here, and a wrong
code in an EHR is worse than text.
"""

from django.conf import settings

# API.md Codes: pain severity 0-10, verbal numeric rating.
LOINC = "http://loinc.org"
LOINC_PAIN_SEVERITY = "72514-3"
LOINC_PAIN_SEVERITY_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
# API.md Codes: body temperature, unit Cel in UCUM.
LOINC_BODY_TEMPERATURE = "8310-5"
LOINC_BODY_TEMPERATURE_DISPLAY = "Body temperature"
UCUM = "http://unitsofmeasure.org"
UCUM_CELSIUS = "Cel"
# An element left empty says why (here: the app stored the check-in before asking the pain).
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

# API.md Codes: CPT for vertebroplasty and kyphoplasty (vertebral augmentation).
CPT = "http://www.ama-assn.org/go/cpt"
CPT_VERTEBROPLASTY_CERVICOTHORACIC = "22510"
CPT_VERTEBROPLASTY_LUMBOSACRAL = "22511"
CPT_VERTEBROPLASTY_ADDITIONAL = "22512"
CPT_KYPHOPLASTY_THORACIC = "22513"
CPT_KYPHOPLASTY_LUMBAR = "22514"
CPT_KYPHOPLASTY_ADDITIONAL = "22515"

# Descriptions are our short paraphrases, not the AMA's descriptors (which are licensed text).
CPT_DISPLAY = {
    CPT_VERTEBROPLASTY_CERVICOTHORACIC: "Percutaneous vertebroplasty, first level, cervicothoracic",
    CPT_VERTEBROPLASTY_LUMBOSACRAL: "Percutaneous vertebroplasty, first level, lumbosacral",
    CPT_VERTEBROPLASTY_ADDITIONAL: "Percutaneous vertebroplasty, each additional level",
    CPT_KYPHOPLASTY_THORACIC: "Percutaneous vertebral augmentation, first level, thoracic",
    CPT_KYPHOPLASTY_LUMBAR: "Percutaneous vertebral augmentation, first level, lumbar",
    CPT_KYPHOPLASTY_ADDITIONAL: "Percutaneous vertebral augmentation, each additional level",
}

# HL7 terminology (FHIR R4 core value sets).
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# "imaging" is one of the codes of that system (FHIR R4, "Observation Category Codes",
# https://hl7.org/fhir/R4/codesystem-observation-category.html): the DXA result.
OBSERVATION_CATEGORY_IMAGING = "imaging"

# Bone health (PROTOCOL.md section 6) is exported by text only. The DXA's "lowest T-score" is
# the lowest over the sites scanned, while LOINC's DXA T-score codes are each for one site
# (e.g. lumbar spine, femoral neck), so no single code says what the record holds; the
# medicines have RxNorm / dm+d codes, but none was verifiable here, and the milestones are the
# pathway's own. MedicationStatement.status, CarePlan activity statuses and Observation
# categories are FHIR's own required value sets, not terminology codes.
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"

# Our own code systems, for the contract's codes that no standard terminology covers here
# (PROTOCOL.md's symptom, rule, severity, cause and reminder kind codes). They live under
# SITE_URL so they name this deployment; /fhir/CodeSystem/<name> serves each one.
SYSTEM_NAMES = ("symptom", "alert-rule", "alert-severity", "procedure-cause", "reminder-kind")


def project_system(name: str) -> str:
    return f"{settings.SITE_URL}/fhir/CodeSystem/{name}"
