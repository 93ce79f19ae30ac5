class DomainError(Exception):
    """A move the domain does not allow; pages show its message to the person who tried it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
