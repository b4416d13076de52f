"""Auditing for views outside the API (the HTML dashboard, FHIR): say which patient a view
concerns and every successful answer is recorded, as the API middleware does for DRF views.

    @login_required
    @audit_patient_access(kwarg="pk")
    def patient_detail(request, pk): ...

For a page listing many patients, call audit.services.access_record once with the ids of the
patients on the page (one INSERT however many there are).
"""

import functools

from .services import access_record


def audit_patient_access(*, kwarg: str = "pk", action: str | None = None):
    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            user = request.user
            if (
                200 <= response.status_code < 300
                and user.is_authenticated
                and not user.is_patient
                and kwargs.get(kwarg) is not None
            ):
                match = request.resolver_match
                access_record(
                    actor=user,
                    patient_ids=[kwargs[kwarg]],
                    action=action or (match.url_name if match else None) or view.__name__,
                    request=request,
                )
            return response

        return wrapper

    return decorate
