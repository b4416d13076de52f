from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

LONE_SURROGATE = "This text holds a character that is not text (a lone surrogate)."


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, plus a 400 for nesting deep enough to exhaust Python's recursion limit
    (a 60 KB body of "[[[[..." fits under the size limit and was a 500), and a 400 naming the
    field for a lone surrogate ("\\ud800" alone is valid JSON but no text: echoed back in a
    choice's error it could not be encoded, and was a 500; stored, the database refuses it).
    A surrogate pair (an emoji) is one character and passes."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
        if not encodable(data):
            fields = [
                key
                for key, value in (data.items() if isinstance(data, dict) else [])
                if encodable(key) and not encodable(value)
            ]
            if fields and all(encodable(key) for key in data):
                raise ValidationError({field: [LONE_SURROGATE] for field in fields})
            raise ValidationError({"non_field_errors": [LONE_SURROGATE]})
        return data


def encodable(value) -> bool:
    """Whether every string in the parsed value (keys too) is text UTF-8 can encode."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True
