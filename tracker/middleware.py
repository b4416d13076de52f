from django.conf import settings
from django.http import JsonResponse


class BodySizeLimitMiddleware:
    """Refuse bodies over MAX_REQUEST_BODY_BYTES with a JSON 413 before anything reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Invalid Content-Length header."}, status=400)
        if length > settings.MAX_REQUEST_BODY_BYTES:
            return too_large()
        return self.get_response(request)


def too_large() -> JsonResponse:
    limit = settings.MAX_REQUEST_BODY_BYTES // 1024
    return JsonResponse({"detail": f"Request body is larger than {limit} KiB."}, status=413)


class NullCharacterQueryMiddleware:
    """A NUL in the query string is a 400 naming the parameter, for every view at once.

    PostgreSQL cannot hold NUL in any text value, not even a LIKE pattern, so a search for
    "%00" reached the database and failed there as a 500. No client has a reason to send one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = sorted(
            {
                key.replace("\x00", "") or "query"
                for key, values in request.GET.lists()
                if "\x00" in key or any("\x00" in value for value in values)
            }
        )
        if bad:
            return JsonResponse(
                {key: ["Null characters are not allowed."] for key in bad}, status=400
            )
        return self.get_response(request)
