"""What is wrong with a scenario, one line per problem: the file, the dotted key, the message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simlib.terminal import shown


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (file, dotted key) and what."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        """``file: key: message`` on one line: a control character in any part (a newline in a file
        name, an escape sequence in a value) is shown escaped (:func:`simlib.terminal.shown`)."""
        where = f"{self.file}: {self.key}: " if self.key else f"{self.file}: "
        return shown(where + self.message)


class ScenarioError(Exception):
    """A scenario that cannot be used; ``str()`` gives one line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def font_warnings(scenario: Any) -> list[Problem]:
    """The characters of a scenario's text that the brief font cannot draw: one problem per character
    and key, naming the file, the dotted key, the character and its code point.  The text is every
    string among a :class:`~simlib.scenario.Scenario`'s values (defaults included), then the unit,
    source and note of each leaf (a character its value already has is not named again: a ``--set``
    is its own source), the file's name, and the documents of its register and the departments and
    levels of its roster.  Warnings, not errors: the brief runs, and shows a box for each such character.

    Found before any kernel starts, with :func:`simlib.brief.webfont.missing`; a scenario whose text
    is all ASCII is passed without loading the font (or matplotlib).
    """
    texts: list[tuple[str, str, str, str]] = []  # (file, key, the leaf it belongs to, text)

    def walk(value: Any, file: str, key: str, leaf: str | None = None) -> None:
        if isinstance(value, str):
            texts.append((file, key, leaf or key, value))
        elif isinstance(value, dict):
            for k, v in value.items():
                inner = f"{key}.{k}" if key else str(k)
                walk(k, file, inner, leaf)
                walk(v, file, inner, leaf)
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                walk(v, file, f"{key}[{i}]", leaf)

    label = str(scenario.path)
    walk(scenario.params.model_dump(mode="json"), label, "")
    for key, info in scenario.leaves.items():
        for name in ("unit", "source", "note"):
            walk(getattr(info, name), label, f"{key}.{name}", key)
            walk(info.zh.get(name), label, f"{key}.{name}.zh", key)
    walk(scenario.path.name, label, "file name")
    if getattr(scenario, "documents", None):
        register = str(scenario.path.parent / scenario.params.meta.documents)
        for number, doc in scenario.documents.items():
            for name in ("file", "title", "place", "date"):
                walk(getattr(doc, name), register, f"{number}.{name}")
    if scenario.roster is not None:
        roster = str(scenario.path.parent / scenario.params.salary.roster)
        for name in scenario.roster.department_names:
            walk(name, roster, "department")
        for name in scenario.roster.post_names:  # track/level
            walk(name.partition("/")[2], roster, "level")
    texts = [t for t in texts if not t[3].isascii()]
    if not texts:
        return []
    from simlib.brief import webfont  # the font, and matplotlib, only when there is text to look up

    found: dict[tuple[str, str, str], str] = {}  # (file, leaf, character): the key it is named at
    for file, key, leaf, text in texts:
        for ch in webfont.missing(text):
            found.setdefault((file, leaf, ch), key)
    return [Problem(file, key, f"character {ch!r} (U+{ord(ch):04X}) is not in the brief font and will show as a box")
            for (file, _, ch), key in found.items()]
