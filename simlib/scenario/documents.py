"""The register of source documents a scenario cites: ``meta.documents`` names a YAML file beside it.

The register maps the number a parameter's ``source`` cites (``000: "以2023年为基期"``) to the
document: its file name, title, place and date, the title and place as text or by language
(``{zh: …, en: …}``).  Briefs open their appendix with the documents the scenario's sources cite
(:func:`cited`).  See ``params/sources/documents.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from simlib.scenario.problems import Problem, ScenarioError

FIELDS = ("file", "title", "place", "date")
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Document:
    """One source document: ``title`` and ``place`` by language (the same text when given once)."""

    number: str
    file: str
    title: dict[str, str]
    place: dict[str, str]
    date: str

    def text(self, name: str, language: str) -> str:
        """``title`` or ``place`` in ``language``, else in the other language."""
        texts = getattr(self, name)
        return texts.get(language) or next(iter(texts.values()))


def read_register(path: Path, label: str) -> dict[str, Document]:
    """The documents of the register at ``path``, by number; raises :class:`ScenarioError`, one line per
    problem naming ``label`` (the register file) and the dotted key.  The register is read as scenario
    files are (:func:`~simlib.scenario.loader.read_document`): a regular file of at most
    :data:`~simlib.scenario.files.MAX_REGISTER_BYTES` (1 MiB)."""
    from simlib.scenario.files import MAX_REGISTER_BYTES
    from simlib.scenario.loader import read_document

    tree = read_document(path, label, "a document register", "number → {file, title, place, date}",
                         limit=MAX_REGISTER_BYTES)
    if not isinstance(tree, dict) or not tree:
        raise ScenarioError([Problem(label, "", "must map document numbers to {file, title, place, date}")])
    problems: list[Problem] = []
    out = {}
    for number, entry in tree.items():
        number = str(number)
        if not re.fullmatch(r"[0-9A-Za-z_-]{1,40}", number):
            problems.append(Problem(label, number, "a document number is letters, digits, _ or -, as sources cite it"))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(label, number, "must be a mapping {file, title, place, date}"))
            continue
        for key in entry:
            if key not in FIELDS:
                problems.append(Problem(label, f"{number}.{key}", f"unknown field; expected one of: {', '.join(FIELDS)}"))
        fields = {}
        for key in FIELDS:
            value = entry.get(key)
            if value is None:
                problems.append(Problem(label, f"{number}.{key}", "required key is missing"))
            elif key in ("title", "place"):
                fields[key] = _texts(value, label, f"{number}.{key}", problems)
            elif isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
                fields[key] = str(value)
            else:
                problems.append(Problem(label, f"{number}.{key}", "must be text"))
        if len(fields) == len(FIELDS) and all(fields.values()):
            out[number] = Document(number=number, **fields)
    if problems:
        raise ScenarioError(problems)
    return out


def _texts(value: object, label: str, key: str, problems: list[Problem]) -> dict[str, str]:
    if isinstance(value, str) and value.strip():
        return {"zh": value, "en": value}
    if isinstance(value, dict) and value:
        bad = [k for k in value if k not in LANGUAGES]
        if bad:
            problems.append(Problem(label, f"{key}.{bad[0]}", f"unknown language; expected one of: {', '.join(LANGUAGES)}"))
        elif all(isinstance(v, str) and v.strip() for v in value.values()):
            return dict(value)
        else:
            problems.append(Problem(label, key, "must be text for each language"))
        return {}
    problems.append(Problem(label, key, "must be text, or text by language ({zh: …, en: …})"))
    return {}


def citation_pattern(numbers: Iterable[str]) -> re.Pattern | None:
    """A pattern of the citations of ``numbers``: a number standing alone (next to Chinese text too:
    ``即000所报告``), not part of a longer number, a name or a decimal (``0.001``, ``2000``, ``20,000``);
    None for no numbers."""
    alternatives = "|".join(re.escape(n) for n in sorted(numbers, key=len, reverse=True))
    if not alternatives:
        return None
    return re.compile(rf"(?<![0-9A-Za-z_.,])({alternatives})(?![0-9A-Za-z_]|[.,][0-9])")


def cited(documents: dict[str, Document], texts: Iterable[str]) -> list[Document]:
    """The documents of the register that ``texts`` (parameter sources and notes) cite, in register order.

    A citation is the document's number standing alone, not part of a longer number or a decimal
    (:func:`citation_pattern`)."""
    pattern = citation_pattern(documents)
    found = set(pattern.findall("\n".join(texts))) if pattern else set()
    return [d for n, d in documents.items() if n in found]
