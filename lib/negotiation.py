"""Content negotiation that never answers 406 (issue 23): the format a client names in the
query (`?format=csv`) wins over its Accept header, and a resource whose type is its own (the
GP letter's PDF, a CSV) answers in it whatever Accept says, errors as JSON."""

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class QueryFormatFirst(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        named = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if named:
            for renderer in renderers:
                if renderer.format == named:
                    return renderer, renderer.media_type
            # A format this view has no renderer for: the view answers in its own type.
            return renderers[0], renderers[0].media_type
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
