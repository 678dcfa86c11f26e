"""One exception tree for the whole engine.

Every message names where the problem is (file, line, field), the value that was
received and what was expected, so that a coordinator can fix the input without
reading code. Messages never contain note text (PHI).
"""

from __future__ import annotations


class MatcherError(Exception):
    """Base of every error the engine raises on purpose."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        received: object | None = None,
        expected: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.received = received
        self.expected = expected
        self.detail = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field {self.field!r}")
        text = self.detail
        if where:
            text = f"{': '.join([', '.join(where)])}: {text}"
        if self.received is not None:
            received = repr(self.received)
            if len(received) > 80:
                received = received[:77] + "..."
            text += f" (received {received}"
            text += f"; expected {self.expected})" if self.expected else ")"
        elif self.expected:
            text += f" (expected {self.expected})"
        return text


class ConfigurationError(MatcherError):
    """A path, option or environment setting is unusable."""


class VocabularyError(MatcherError):
    """A packaged data file (vocabulary, cue list, section headers) is invalid."""


class RegistryError(MatcherError):
    """A trial registry record cannot be read."""


class InputRowError(MatcherError):
    """One row of a note export is malformed; the row is rejected, the rest loads."""


class DateParseError(MatcherError):
    """A date string cannot be read in any supported form."""


class StoreError(MatcherError):
    """The database is missing, read-only, on a full disk, not a matcher SQLite file, or
    from an unknown schema version (matcher.store words each with what to do)."""


class ReadOnlyStoreError(StoreError):
    """The database file cannot be written (permissions, an immutable file, a read-only
    mount): a command that only reads still answers, and says what it could not store."""


class ModelError(MatcherError):
    """A saved pipeline or model under models/ is missing or inconsistent."""


class LockHeldError(MatcherError):
    """Another nightly run holds the database; this one exits at once."""

    exit_code = 4


class CriterionParamsError(MatcherError):
    """A criterion's params break its kind's contract (matcher.criteria.kinds): the message
    names the kind, the field and what was expected."""


class ReviewError(MatcherError):
    """A review action or a protocol file is wrong: an unknown trial or criterion id, an
    edit whose value breaks the kind's params ("trial T criterion E3: field 'value' ...
    expected a number"), or an exported protocol that does not read (the JSON path named)."""
