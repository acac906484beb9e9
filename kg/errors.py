"""One exception family for everything kg reports to a user.

The CLI turns a :class:`KGError` into one line on stderr and exit code 2; any
other exception is a bug and keeps its traceback.
"""


class KGError(Exception):
    """Base of every error kg raises on purpose."""


class InputError(KGError):
    """Bad input: names the file, the line (when known) and the problem."""

    def __init__(self, path: object, problem: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {problem}")


class InputWarning(InputError):
    """Input that is kept but may be damaged (a page cut in its last abstract): reported as
    a warning, never counted as skipped."""


def report_word(error: Exception) -> str:
    """How a command names a reported input problem: ``warning`` or ``skipped``."""
    return "warning" if isinstance(error, InputWarning) else "skipped"


class FormatError(KGError):
    """An unknown format name; the message lists the valid ones."""

    def __init__(self, kind: str, name: str, valid: list[str]) -> None:
        self.name = name
        self.valid = sorted(valid)
        super().__init__(f"unknown {kind} {name!r}; expected one of: {', '.join(self.valid)}")


class QueryError(KGError):
    """A SPARQL query or a preset parameter that cannot be run."""


class StoreError(KGError):
    """The on-disk store is missing, locked by another build, or damaged."""


class EndpointError(KGError):
    """A remote triple store refused, failed or could not be reached."""
