"""Domain errors: raised by services with a message an operator understands."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A rule of the domain refused the action; nothing was changed."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        if code:
            self.code = code

    def as_validation_error(self) -> ValidationError:
        if self.field:
            return ValidationError({self.field: [self.message]}, code=self.code)
        return ValidationError(self.message, code=self.code)


class ConflictError(DomainError):
    """The action collides with the current state (a duplicate, a race lost)."""

    code = "conflict"
    status = 409


class PermissionDeniedError(DomainError):
    code = "forbidden"
    status = 403


class RateLimitedError(DomainError):
    code = "rate_limited"
    status = 429
