"""OpenAPI schema fix-up for the FHIR paths."""

# DRF's path simplifier drops the "$" of FHIR operation names; put it back so the schema
# names the real URL.
OPERATION_PATHS = {"/fhir/Patient/{id}/everything": "/fhir/Patient/{id}/$everything"}


def fhir_operation_paths(result, generator, request, public):
    paths = result.get("paths", {})
    result["paths"] = {OPERATION_PATHS.get(path, path): item for path, item in paths.items()}
    return result
