from django.core.exceptions import ValidationError


class NotOnlySpacesValidator:
    """A password of spaces alone passes the length rule but is no secret at all."""

    def validate(self, password: str, user=None) -> None:
        if not password.strip():
            raise ValidationError(
                "Your password cannot be only spaces.", code="password_only_spaces"
            )

    def get_help_text(self) -> str:
        return "Your password cannot be only spaces."
