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
