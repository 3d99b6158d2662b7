"""Load a scenario file: safe YAML, self-describing leaves, ``--set`` overrides, validation.

A leaf of a scenario file is a bare value or a mapping ``{value, unit, source,
note}`` (the OpenFisca idea: a parameter carries its unit and its reference).
:func:`load` splits the file into validated values
(:class:`simlib.scenario.schema.ScenarioParams`) and the leaves' metadata, keyed by
dotted key.  Every problem found is collected; :class:`ScenarioError` carries
all of them and prints one line each::

    params/x.yaml: revenue.sharing.floor: must not exceed cap (1.0), got 2.0

The YAML is composed into nodes and turned into plain dicts, lists and scalars
by this module, so no tag can construct a Python object and duplicate keys are
caught with their dotted path.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, get_args

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from simlib.models import registry
from simlib.models.salary_params import MAX_ROUND_STAFF
from simlib.scenario.problems import Problem, ScenarioError
from simlib.scenario.schema import ScenarioParams

LEAF_FIELDS = ("value", "unit", "source", "note")
_SAFE_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq")
}
#: A dotted key: names joined by dots, any of them followed by ``[i]`` for an item of a list
#: (``salary.appraisal.quotas[0].coefficient``); an index has no leading zeros.
_KEY_RE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*|\[(0|[1-9]\d*)\])*$")
#: What a key should look like, for the messages.
KEY_FORM = "revenue.sharing.zone_share, or salary.appraisal.quotas[0].coefficient for an item of a list"


#: The languages a leaf's ``unit``, ``source`` and ``note`` may be given in: ``source: {en: …, zh: …}``.
TEXT_LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class LeafInfo:
    """What a scenario file says about one value besides the value itself.

    ``unit``, ``source`` and ``note`` are the text as written, or its English version when the file
    gives one per language (``source: {en: …, zh: …}``); ``zh`` holds the Chinese versions by field.
    """

    unit: str | None = None
    source: str | None = None
    note: str | None = None
    zh: dict[str, str] = field(default_factory=dict)

    def text(self, name: str, language: str) -> str | None:
        """Field ``name`` (unit, source or note) in ``language`` when the file gives it so, else as written."""
        if language == "zh" and name in self.zh:
            return self.zh[name]
        return getattr(self, name)

    @property
    def is_assumption(self) -> bool:
        texts = [self.source or "", self.zh.get("source", "")]
        return any(t.lstrip().lower().startswith(("assumption", "假设")) for t in texts)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: its values, where each came from, and any overrides."""

    path: Path
    params: ScenarioParams
    #: Every key the file (or a ``--set``) gives a value, with what the file says about it;
    #: a key missing here took the schema's default.
    leaves: dict[str, LeafInfo] = field(default_factory=dict)
    overrides: tuple[str, ...] = ()
    roster: Any = None  # simlib.models.salary.Staff read from salary.roster, if the scenario names one
    roster_sha256: str | None = None  # of the roster file's bytes: its contents are parameters too
    documents: dict[str, Any] = field(default_factory=dict)  # meta.documents' register: number → Document
    #: What the loader noticed but did not refuse, one line each (a register named but not found).
    warnings: tuple[Problem, ...] = ()

    @property
    def name(self) -> str:
        return self.path.stem

    def resolved(self) -> dict[str, Any]:
        """The validated values as plain JSON-ready data (defaults filled in)."""
        return self.params.model_dump(mode="json")

    def params_sha256(self) -> str:
        """A hash of the resolved values and, when the scenario reads a roster, of the roster's bytes
        (the file's name alone would not change when its rows do)."""
        text = json.dumps(self.resolved(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        if self.roster_sha256 is not None:
            text += "\0roster:" + self.roster_sha256
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def sections(self) -> list[str]:
        """The model sections this scenario has, in the registry's order."""
        return [m.section for m in registry() if getattr(self.params, m.section, None) is not None]

    @property
    def inputs(self) -> dict[str, Any]:
        """What the scenario's files supply to a model, by section (the salary roster)."""
        return {"salary": self.roster} if self.roster is not None else {}

    def with_values(self, values: Mapping[str, Any], origin: str = "--set") -> Scenario:
        """This scenario with dotted keys set to new values, in memory: ``{"revenue.sharing.zone_share": 0.6}``;
        ``[i]`` picks an existing item of a list (``{"salary.appraisal.quotas[0].coefficient": 1.5}``).

        The values are plain data (numbers, text, None, lists and mappings), as a ``--set`` would
        give them after reading its YAML; only the sections they touch are validated again, by the
        same schema and with the same one-line problems naming the key (ScenarioError), each marked
        ``(from ORIGIN)``: the option the values came from (``--set``, ``--vary``, ``--variant``).
        The change is recorded in ``overrides`` as ``key=<JSON>``, which a ``--set`` reads back the same.
        """
        if not values:
            return self
        label = str(self.path)
        problems: list[Problem] = []
        sections = {_section_of(k) for k in values}
        fields = type(self.params).model_fields
        if sections <= set(fields) and all(getattr(self.params, s) is not None for s in sections):
            tree = {s: getattr(self.params, s).model_dump() for s in sections}  # only what changes
        else:
            tree = self.params.model_dump()
        leaves = dict(self.leaves)
        texts = []
        for key, value in values.items():
            value = value.item() if isinstance(value, np.generic) else value  # numpy scalars as plain numbers
            if (bad := key_problem(key)) is not None:
                problems.append(Problem(label, str(key), bad))
                continue
            try:
                text = json.dumps(value, ensure_ascii=False)
            except (TypeError, ValueError):
                problems.append(Problem(label, key, f"must be plain data (numbers, text, null, lists, mappings), "
                                                    f"got {type(value).__name__}"))
                continue
            if _set_value(tree, leaves, key, value, f"{key}={text}", label, problems, origin):
                texts.append(f"{key}={text}")
        params = None if problems else _validate(tree, label, set(values), problems, base=self.params,
                                                 sections=sections, origin=origin)
        if problems:
            raise ScenarioError(problems)
        roster, roster_sha256 = self.roster, self.roster_sha256
        if any(k == "salary" or k.startswith("salary.roster") for k in values):
            roster, roster_sha256 = _read_roster(self.path, params, label)
        elif roster is not None and "salary" in sections:
            _check_staff(params.salary, roster, label)
        return replace(self, params=params, leaves=leaves, overrides=self.overrides + tuple(texts),
                       roster=roster, roster_sha256=roster_sha256)

    def in_language(self, language: str) -> Scenario:
        """This scenario with its brief in ``language`` (zh or en); not an override, since it
        changes no number, but part of the parameters (and their hash), since it changes the brief."""
        if language == self.params.meta.language:
            return self
        meta = self.params.meta.model_validate({**self.params.meta.model_dump(), "language": language})
        return replace(self, params=self.params.model_copy(update={"meta": meta}))


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, override and validate a scenario file, or raise :class:`ScenarioError`.

    ``overrides`` are ``dotted.key=VALUE`` texts whose VALUE is read as YAML (``--set``).
    """
    path = Path(path)
    label = str(path)
    tree = _read_yaml(path, label)
    problems: list[Problem] = []
    values, leaves = _split_leaves(tree, label, problems)
    set_keys = _apply_overrides(values, leaves, overrides, label, problems)
    calibrated = _calibrate_growth(values, leaves, path, label, problems)
    params = _validate(values, label, set_keys, problems)
    if calibrated is False:  # the values a failed calibration would have given are not missing too
        problems[:] = [p for p in problems if not (p.key in ("revenue.growth.mean", "revenue.growth.volatility")
                                                   and p.message == "required key is missing")]
    if problems:
        raise ScenarioError(problems)
    roster, roster_sha256 = _read_roster(path, params, label)
    documents, warnings = {}, []
    if params.meta.documents is not None:
        from simlib.scenario.documents import read_register

        register = path.parent / params.meta.documents
        if register.exists():
            documents = read_register(register, str(register))
        else:  # the numbers do not depend on it (a scenario rebuilt from results.json, a copied file)
            warnings.append(Problem(label, "meta.documents", f"register {register} not found: the brief's "
                                                             "appendix will not name the documents its sources cite"))
    return Scenario(path=path, params=params, leaves=leaves, overrides=tuple(overrides), roster=roster,
                    roster_sha256=roster_sha256, documents=documents, warnings=tuple(warnings))


def parse_overrides(items: list[str] | tuple[str, ...], label: str) -> dict[str, Any]:
    """``dotted.key=VALUE`` texts (VALUE read as YAML; a key may pick a list item with ``[i]``) as
    ``{key: value}``, for :meth:`Scenario.with_values`;
    raises ScenarioError with a line per bad item."""
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    for item in items:
        parsed = _parse_override(item, label, problems)
        if parsed is not None:
            out[parsed[0]] = parsed[1]
    if problems:
        raise ScenarioError(problems)
    return out


def _validate(values: dict[str, Any], label: str, set_keys: set[str], problems: list[Problem],
              base: ScenarioParams | None = None, sections: set[str] | None = None,
              origin: str = "--set") -> ScenarioParams | None:
    """The values validated by the scenario schema; problems appended, None when there are any.

    With ``base``, only ``sections`` are validated again and the rest is taken from ``base``, and then
    the links between sections (each model's ``check_links``: years and paths that must line up);
    setting a section to null validates the whole scenario.
    """
    fields = ScenarioParams.model_fields
    partial = (base is not None and sections is not None and sections <= set(fields)
               and all(values.get(s) is not None for s in sections))
    try:
        if not partial:
            if base is not None:  # a section set to null, or an unknown one: the whole scenario again
                values = {**base.model_dump(), **values}
            return ScenarioParams.model_validate(values)
        update = {}
        for name in sections:
            section_type = _model_in(fields[name].annotation)
            try:
                update[name] = section_type.model_validate(values[name])
            except ValidationError as exc:
                problems += [_problem_from_pydantic({**err, "loc": (name, *err["loc"])}, label, set_keys, origin)
                             for err in exc.errors()]
        if problems:
            return None
        result = base.model_copy(update=update)
        for model in registry():  # the links between sections, as the whole scenario's validator checks them
            if model.check_links is not None and getattr(result, model.section, None) is not None:
                problems += [_problem_from_pydantic({"type": "cross_field", "loc": (), "msg": message,
                                                     "ctx": {"field": key}}, label, set_keys, origin)
                             for key, message in model.check_links(result)[:1]]
        return None if problems else result
    except ValidationError as exc:
        problems += [_problem_from_pydantic(err, label, set_keys, origin) for err in exc.errors()]
        return None


def _calibrate_growth(values: dict[str, Any], leaves: dict[str, LeafInfo], path: Path, label: str,
                      problems: list[Problem]) -> bool | None:
    """``revenue.growth.calibrate: {file, series, year_column, exclude}``: estimate ``mean``,
    ``volatility`` and ``mean_sd`` from the file (beside the scenario file) as ``simlib calibrate``
    does, and put them in the values before validation, their source citing the file.  True when it
    did, False when the file could not be calibrated on (a problem is added), None without one."""
    growth = values.get("revenue", {}).get("growth") if isinstance(values.get("revenue"), dict) else None
    spec = growth.get("calibrate") if isinstance(growth, dict) else None
    if not isinstance(spec, dict) or not isinstance(spec.get("file"), str) or not isinstance(spec.get("series"), str):
        return None  # absent, or malformed: validation reports it
    from simlib.scenario.calibrate import CalibrationError, estimate, read_series

    given = [k for k in ("mean", "volatility", "mean_sd") if k in growth]
    if given:
        problems.append(Problem(label, f"revenue.growth.{given[0]}", "give it or revenue.growth.calibrate, not both"))
        return True
    try:
        years, series = read_series(path.parent / spec["file"], spec["series"], spec.get("year_column") or "year")
        est = estimate(years, series, spec.get("exclude") or [])
    except CalibrationError as exc:
        problems.append(Problem(label, "revenue.growth.calibrate", str(exc)))
        return False
    source = (f"simlib calibrate: {spec['file']}, column {spec['series']}, {est.first_year}-{est.last_year}, "
              f"{est.n} annual log growth rates")
    for key, value, unit in (("mean", est.mean, "per year"), ("volatility", est.volatility, "sd of annual log growth"),
                             ("mean_sd", est.log_mean_se, "sd of each path's mean log growth")):
        growth[key] = float(value)
        leaves[f"revenue.growth.{key}"] = LeafInfo(unit=unit, source=source)
    return True


def _read_roster(path: Path, params: ScenarioParams, label: str) -> tuple[Any, str | None]:
    """The roster CSV ``salary.roster`` names (beside the scenario file) and the hash of the bytes read
    (the file is read once: what is hashed is what was parsed)."""
    salary = getattr(params, "salary", None)
    if salary is None or salary.roster is None:
        return None, None
    from simlib.scenario import roster as roster_csv

    roster_path = path.parent / salary.roster
    roster, problems, raw = roster_csv.read_with_bytes(roster_path)  # read once: the bytes parsed are hashed
    roster_sha256 = hashlib.sha256(raw).hexdigest() if roster is not None else None
    if problems:
        raise ScenarioError(problems)
    _check_staff(salary, roster, label)
    return roster, roster_sha256


def _check_staff(salary: Any, roster: Any, label: str) -> None:
    """``salary.staff``, when given beside a roster, must be the roster's head count; and rounds ×
    the roster's graded staff must not exceed MAX_ROUND_STAFF (the section checks synthetic staff)."""
    problems = []
    if salary.staff not in (None, roster.size):
        problems.append(Problem(label, "salary.staff",
                                f"must match the roster's {roster.size} rows, got {salary.staff}"))
    graded = int(roster.size - roster.exempt_mask.sum())
    if salary.rounds * graded > MAX_ROUND_STAFF:
        exempt = ("" if graded == roster.size
                  else f" graded (the roster's {roster.size:,} less {roster.size - graded:,} exempt)")
        problems.append(Problem(label, "salary.rounds", f"rounds × staff must not exceed {MAX_ROUND_STAFF:,}, "
                                                        f"got {salary.rounds:,} × {graded:,}{exempt}"))
    if problems:
        raise ScenarioError(problems)


# -- YAML ------------------------------------------------------------------


def _read_yaml(path: Path, label: str) -> dict[str, Any]:
    tree = read_document(path, label, "a scenario file", "a scenario file needs a few")
    if not isinstance(tree, dict):
        raise ScenarioError([Problem(label, "", f"must be a mapping of sections (meta, revenue, ...), got {_kind(tree)}")])
    return tree


def read_document(path: Path, label: str, what: str, needs: str, limit: int | None = None) -> Any:
    """A YAML file read the way scenario files are (UTF-8, bounded nesting, no tags, aliases,
    merge keys or duplicate keys, no YAML 1.1 number forms such as ``010`` or ``1:30``): its document.

    The file must be a regular file of at most ``limit`` bytes (default
    :data:`~simlib.scenario.files.MAX_SCENARIO_BYTES`, 1 MiB), checked before it is opened
    (:func:`simlib.scenario.files.read_bytes`: a FIFO, a device or a directory is refused, never
    read), and hold at most :data:`MAX_VALUES` values.  Raises :class:`ScenarioError`, one line
    per problem naming ``label``; ``what`` names the kind of file ("a scenario file"), ``needs``
    the nesting it needs."""
    from simlib.scenario.files import MAX_SCENARIO_BYTES, UnreadableFile, read_bytes

    def fail(message: str, key: str = "") -> ScenarioError:
        return ScenarioError([Problem(label, key, message)])

    try:
        raw = read_bytes(path, MAX_SCENARIO_BYTES if limit is None else limit, what)
    except UnreadableFile as exc:
        raise fail(str(exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    if not text.strip():
        raise fail("file is empty")
    problems: list[Problem] = []
    try:
        node = _compose(text, what)
        if node is None:
            raise fail("file is empty")
        tree = _Constructor(label, problems).build_document(node)
    except yaml.YAMLError as exc:
        raise fail(_yaml_message(exc)) from None
    except (_TooDeep, RecursionError):
        raise fail(f"YAML is nested more than {MAX_DEPTH} levels deep ({needs})") from None
    if problems:
        raise ScenarioError(problems)
    return tree


#: How deeply mappings and lists may nest in a scenario file (the ready ones nest five deep).
MAX_DEPTH = 64


class _TooDeep(Exception):
    """A YAML text nests deeper than ``MAX_DEPTH``."""


class _TooMany(yaml.YAMLError):
    """A YAML text holds more than ``MAX_VALUES`` values (found on the event stream, before any is built)."""

    def __init__(self, what: str, line: int):
        super().__init__(f"line {line}: more than {MAX_VALUES:,} values (mappings, lists, keys and scalars) by "
                         f"this line; {what} may hold at most {MAX_VALUES:,}")


#: libyaml's parser when PyYAML was built with it (``yaml.__with_libyaml__``): some 30 times faster
#: than the pure-Python one, which stays the fallback and words the syntax errors of small texts.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) else None
#: A text up to this many characters with a syntax error is parsed again by the pure-Python parser,
#: for its wording and position of the error (libyaml's differ); a longer one keeps libyaml's, reworded
#: where they differ only in words: parsing it again would take seconds.
_REPARSE_CHARS = 64 * 1024


def _compose(text: str, what: str = "a scenario") -> yaml.Node | None:
    """``yaml.compose``, after a check on the event stream of the nesting depth (deep nesting would
    exhaust the recursion limit) and of the number of values (more than ``MAX_VALUES`` is refused
    when the count passes it, before anything is built; aliases are counted once here, their
    expansion by :meth:`_Constructor.build_document`).  Raises ``_TooDeep``, or a ``yaml.YAMLError``
    (``_TooMany`` for too many values) with the pure-Python parser's wording of a syntax error."""
    loader = _FAST_LOADER or yaml.SafeLoader
    depth = values = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            kind = type(event)
            if kind is yaml.ScalarEvent or kind is yaml.AliasEvent:
                values += 1
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                values += 1
                depth += 1
                if depth > MAX_DEPTH:
                    raise _TooDeep
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                depth -= 1
            else:
                continue
            if values > MAX_VALUES:
                raise _TooMany(what, event.start_mark.line + 1)
        return yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        if loader is yaml.SafeLoader:
            raise
        if exc.problem == "exceeded maximum nesting depth":  # libyaml's scanner looks ahead past 1,000
            raise _TooDeep from None  # levels; the pure-Python one would take seconds to say as much
        if len(text) <= _REPARSE_CHARS:  # the pure-Python parser's words and position, as before libyaml
            yaml.compose(text, Loader=yaml.SafeLoader)  # raises (if it does not, libyaml's error stands)
        raise _reworded(exc, text) from None


def _reworded(exc: yaml.MarkedYAMLError, text: str) -> yaml.MarkedYAMLError:
    """libyaml's syntax error in the pure-Python parser's words where only the words differ."""
    problem = exc.problem or ""
    mark = exc.problem_mark
    if problem == "mapping values are not allowed in this context":
        problem = "mapping values are not allowed here"
    elif problem == "found character that cannot start any token" and mark is not None:
        lines = text.splitlines()
        if mark.line < len(lines) and mark.column < len(lines[mark.line]):
            problem = f"found character {lines[mark.line][mark.column]!r} that cannot start any token"
    elif problem.startswith("did not find expected "):
        problem = "expected " + problem.removeprefix("did not find expected ")
    exc.problem = problem
    return exc


def _yaml_message(exc: yaml.YAMLError) -> str:
    """One line for any YAML error: where, then what."""
    if isinstance(exc, _TooMany):
        return str(exc)
    if isinstance(exc, yaml.reader.ReaderError):
        return f"YAML syntax error: character #x{exc.character:04x} is not allowed (position {exc.position})"
    if not isinstance(exc, yaml.MarkedYAMLError):
        return "YAML syntax error: " + " ".join(str(exc).split())
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = exc.problem or exc.context or "malformed YAML"
    hint = " (use spaces, not tabs, to indent)" if "\\t" in problem or "\t" in problem else ""
    return f"{where}YAML syntax error: {problem}{hint}"


_FLOAT_RE = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+$")


class _Constructor:
    """Turns composed YAML nodes into plain dicts, lists and scalars.

    Only the standard data tags are allowed, duplicate keys are reported with
    their dotted key, a node reached again through an alias is built once, a
    document whose aliases expand past ``MAX_VALUES`` is refused (an alias
    "bomb") and a self-referencing alias is an error.
    Scalars like ``5e-1``, which YAML 1.1 reads as text, are read as numbers.

    YAML 1.1 surprises in plain (unquoted) scalars are refused, each with how to write it: a number
    with a leading zero (``010`` is 8, octal), ``0x1F``/``0b101`` (hexadecimal, binary), a
    sexagesimal ``1:30`` (90); a merge key ``<<``; a key ``no``/``yes``/``on``/``off`` (read as a
    truth value).  Such a value (``zone: NO``) is built as YAML reads it (false), and the schema,
    which has no truth-value field, refuses it with a hint to quote it.  Pure: reads no file.
    """

    def __init__(self, label: str, problems: list[Problem]):
        self.label, self.problems = label, problems
        self.done: dict[int, Any] = {}
        self.active: set[int] = set()
        self.scalars = yaml.SafeLoader("")

    def problem(self, key: tuple, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.label, _dotted(key), f"line {node.start_mark.line + 1}: {message}"))

    def build_document(self, node: yaml.Node, key: tuple = ()) -> Any:
        """Build a whole document, refusing one whose aliases would expand it past ``MAX_VALUES``
        (a "billion laughs" file: cheap to build here, but not to walk or validate)."""
        before = len(self.problems)
        value = self.build(node, key)
        # (a self-referencing alias has been reported, and would make the count endless)
        if len(self.problems) == before and (size := _expanded_size(node, {})) > MAX_VALUES:
            self.problem(key, node, f"aliases expand this to {size:,} values, more than the {MAX_VALUES:,} "
                                    "a scenario may hold")
        return value

    def build(self, node: yaml.Node, key: tuple = ()) -> Any:
        if id(node) in self.done:
            return self.done[id(node)]
        if id(node) in self.active:
            self.problem(key, node, "an alias refers to itself")
            return None
        self.active.add(id(node))
        try:
            value = self._build(node, key)
        finally:
            self.active.discard(id(node))
        self.done[id(node)] = value
        return value

    def _build(self, node: yaml.Node, key: tuple) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:timestamp" and isinstance(node, yaml.ScalarNode):
            return node.value  # a date-like scalar stays text; no field of a scenario is a date
        if tag not in _SAFE_TAGS:
            self.problem(key, node, f"YAML tag {tag.replace('tag:yaml.org,2002:', '!!')} is not allowed; "
                                    "scenario files hold plain values only")
            return None
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            first_line: dict[str, int] = {}
            for knode, vnode in node.value:
                if knode.tag == "tag:yaml.org,2002:merge":
                    self.problem(key, knode, "YAML tag !!merge is not allowed: merge keys (<<) are not supported; "
                                             "write the keys out")
                    continue
                before = len(self.problems)
                k = self.build(knode, key)
                if len(self.problems) > before:  # the key itself was reported (a tag, a YAML 1.1 number)
                    continue
                if isinstance(k, bool) and isinstance(knode, yaml.ScalarNode) and not knode.style:  # plain ("" from libyaml, None from PyYAML)
                    self.problem(key, knode, f"key {knode.value!r} is read by YAML as {str(k).lower()}; "
                                             f"quote it ({knode.value!r}) for text")
                    continue
                if not isinstance(k, str):
                    self.problem(key, knode, f"key {k!r} must be text")
                    continue
                # a leaf's "value" is not part of the dotted key
                sub = key if k == "value" else key + (k,)
                if k in out:
                    self.problem(sub, knode, f"duplicate key (first at line {first_line[k]})")
                    continue
                first_line[k] = knode.start_mark.line + 1
                out[k] = self.build(vnode, sub)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(v, key + (i,)) for i, v in enumerate(node.value)]
        if tag == "tag:yaml.org,2002:str" and not node.style and _FLOAT_RE.match(node.value):
            return float(node.value)
        if not node.style and tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            surprise = _yaml11_number(node.value, self.scalars)
            if surprise is not None:
                self.problem(key, node, surprise)
                return None
        try:
            return self.scalars.construct_object(node)
        except (ValueError, KeyError, yaml.YAMLError):
            self.problem(key, node, f"{node.value!r} cannot be read as {tag.replace('tag:yaml.org,2002:', '!!')}")
            return None


_YAML11_NUMBER_RE = re.compile(r"^[-+]?(0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$")


def _yaml11_number(text: str, scalars: Any) -> str | None:
    """For a plain scalar YAML 1.1 reads as a number in a form few mean (octal ``010``, hexadecimal
    ``0x1F``, binary ``0b101``, sexagesimal ``1:30``): a message saying what it is read as and how to
    write it; None for an ordinary number (and for a zero such as ``00``, zero in any base)."""
    if not _YAML11_NUMBER_RE.match(text) or text.lstrip("+-").replace("_", "").strip("0") == "":
        return None
    plain = text.replace("_", "").lstrip("+-")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    value = scalars.construct_object(yaml.ScalarNode(tag, text))
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    if ":" in plain:
        how, write = "base 60, as a time", f"write {shown} for the number"
    elif plain.startswith(("0x", "0b")):
        how, write = "hexadecimal" if plain.startswith("0x") else "binary", f"write {shown} for the number"
    else:
        decimal = ("-" if text.startswith("-") else "") + plain.lstrip("0")
        how, write = "octal, for its leading 0", f"write {decimal} for the decimal number"
    return f"{text!r} is read by YAML as {shown} ({how}); {write}, or quote it ({text!r}) for text"


#: The most values (mappings, lists and scalars, counted after aliases are expanded) a scenario
#: file may hold.  The largest ready scenario has 1,450; a file of 20,000 short values is parsed,
#: built and checked in about a second, 100,000 took over 2 s (the limit for every refusal).
MAX_VALUES = 20_000


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many nodes ``node`` stands for once every alias is expanded (each shared node counted
    once in ``memo``, so this costs one visit per distinct node)."""
    if id(node) not in memo:
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            children = []
        memo[id(node)] = 1 + sum(_expanded_size(c, memo) for c in children)
    return memo[id(node)]


# -- leaves and overrides ----------------------------------------------------


def _split_leaves(tree: Any, label: str, problems: list[Problem]) -> tuple[Any, dict[str, LeafInfo]]:
    leaves: dict[str, LeafInfo] = {}

    def is_leaf(obj: dict) -> bool:
        """A mapping with ``value`` describes a leaf unless its other keys are plainly not leaf fields
        (a target ``{series, year, value}`` is data); a key close to one (``sorce``) is a misspelt field."""
        others = [k for k in obj if k not in LEAF_FIELDS]
        return not others or any(difflib.get_close_matches(str(k), LEAF_FIELDS[1:], n=1, cutoff=0.6) for k in others)

    def walk(obj: Any, key: tuple, described: bool = False) -> Any:
        if isinstance(obj, dict) and "value" in obj and not described and is_leaf(obj):
            info: dict[str, str | None] = {}
            zh: dict[str, str] = {}
            for k, v in obj.items():
                if k == "value":
                    continue
                if k not in LEAF_FIELDS:
                    problems.append(
                        Problem(label, _dotted(key + (k,)), "unknown leaf field" + _did_you_mean(k, LEAF_FIELDS))
                    )
                elif isinstance(v, dict):
                    texts = _leaf_texts(v, key + (k,), label, problems)
                    info[k] = texts.get("en", texts.get("zh"))
                    if "zh" in texts:
                        zh[k] = texts["zh"]
                elif v is not None and not isinstance(v, str):
                    problems.append(Problem(label, _dotted(key + (k,)), f"must be text, or text by language "
                                                                        f"({{en: …, zh: …}}), got {_kind(v)}"))
                else:
                    info[k] = v
            leaves[_dotted(key)] = LeafInfo(**info, zh=zh)
            return walk(obj["value"], key, described=True)
        if isinstance(obj, dict):
            return {k: walk(v, key + (k,), described) for k, v in obj.items()}
        if not described:
            leaves[_dotted(key)] = LeafInfo()  # a bare value: in the file, described nowhere
        if isinstance(obj, list):
            return [walk(v, key + (i,), described) for i, v in enumerate(obj)]
        return obj

    return walk(tree, ()), leaves


def _leaf_texts(texts: dict, key: tuple, label: str, problems: list[Problem]) -> dict[str, str]:
    """A leaf's unit, source or note given per language, ``{en: …, zh: …}``: the texts by language."""
    out = {}
    for lang, text in texts.items():
        if lang not in TEXT_LANGUAGES:
            problems.append(Problem(label, _dotted(key + (lang,)), "unknown language" + _did_you_mean(str(lang), TEXT_LANGUAGES)))
        elif not isinstance(text, str):
            problems.append(Problem(label, _dotted(key + (lang,)), f"must be text, got {_kind(text)}"))
        else:
            out[lang] = text
    if not texts:
        problems.append(Problem(label, _dotted(key), "is empty: give the text, or {en: …, zh: …}"))
    return out


def _apply_overrides(
    values: dict[str, Any],
    leaves: dict[str, LeafInfo],
    overrides: list[str] | tuple[str, ...],
    label: str,
    problems: list[Problem],
) -> set[str]:
    """Apply ``dotted.key=VALUE`` overrides in place; return the keys they set."""
    set_keys: set[str] = set()
    for item in overrides:
        parsed = _parse_override(item, label, problems)
        if parsed is not None and _set_value(values, leaves, *parsed, label, problems):
            set_keys.add(parsed[0])
    return set_keys


def _parse_override(item: str, label: str, problems: list[Problem]) -> tuple[str, Any, str] | None:
    """``(key, value, item)`` of one ``dotted.key=VALUE``, VALUE read as YAML; None after a problem."""
    key, sep, text = item.partition("=")
    key = key.strip()
    if not sep or not _KEY_RE.match(key):
        problems.append(Problem(label, "--set", f"expected dotted.key=VALUE, got {item!r}" + _key_hint(key)))
        return None
    before = len(problems)
    try:
        node = _compose(text)
        value = (_Constructor(label, problems).build_document(node, tuple(_parse_dotted(key)))
                 if node is not None else None)
    except yaml.YAMLError as exc:
        problems.append(Problem(label, key, f"--set value {text!r}: {_yaml_message(exc)}"))
        return None
    except (_TooDeep, RecursionError):
        problems.append(Problem(label, key, f"--set value is nested more than {MAX_DEPTH} levels deep"))
        return None
    if len(problems) > before:
        return None
    return key, value, item


def _set_value(values: dict[str, Any], leaves: dict[str, LeafInfo], key: str, value: Any, item: str,
               label: str, problems: list[Problem], origin: str = "--set") -> bool:
    """Put ``value`` at dotted ``key`` of the value tree and note where it came from in ``leaves``.

    A ``.name`` goes into a mapping (a missing or null one is started, for the schema to judge) and
    an ``[i]`` into an item the list already has; anything else is one problem, marked ``(from ORIGIN)``.
    """
    parts = _parse_dotted(key)
    target: Any = values
    for n, part in enumerate(parts):
        here = _dotted(tuple(parts[:n]))  # the key of ``target``
        if isinstance(part, int):
            missing = _no_item(target, part, parts[:n], values)
            if missing is not None:
                problems.append(Problem(label, missing[0], f"{missing[1]} (from {origin})"))
                return False
        elif isinstance(target, list):
            example = _dotted(tuple(parts[:n]) + (0,) + tuple(parts[n:]))
            problems.append(Problem(label, here, f"is a list ({_items(len(target))}), not a mapping: pick an item "
                                                 f"with [i], e.g. {example} (from {origin})"))
            return False
        elif not isinstance(target, dict):
            problems.append(Problem(label, here, f"{origin} {key}: not a section"))
            return False
        if n == len(parts) - 1:
            target[part] = value
        elif isinstance(part, int):
            target = target[part]
        else:
            if target.get(part) is None and not isinstance(parts[n + 1], int):
                target[part] = {}  # a section the file leaves out (or null): the schema says what it needs
            target = target.get(part)
    _note_override(leaves, key, f"--set {key}={item.partition('=')[2]}")
    return True


def _no_item(target: Any, index: int, loc: list[str | int], values: dict[str, Any]) -> tuple[str, str] | None:
    """Why ``[index]`` cannot pick an item of ``target`` (found at ``loc`` of ``values``), as (key, message);
    None when it can."""
    here = _dotted(tuple(loc))
    if isinstance(target, list):
        if index < len(target):
            return None
        return (_dotted((*loc, index)),
                f"no item {index}; the list {'is empty' if not target else 'has ' + _items(len(target))}")
    if isinstance(target, dict):
        return here, f"is a mapping, not a list: name its keys with .key, not [{index}]"
    if target is None:
        for n, part in enumerate(loc):  # a name the schema does not have, on the way to the missing list
            known = _fields_at(tuple(loc[:n])) if isinstance(part, str) else []
            if known and part not in known:
                return _dotted(tuple(loc[: n + 1])), "unknown key" + _did_you_mean(part, known)
        return here, f"is not set, so it has no item {index}: give the whole list"
    return here, f"is {_kind(target)}, not a list, so it has no item {index}"


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _note_override(leaves: dict[str, LeafInfo], key: str, note: str) -> None:
    """What the file said about the values an override of ``key`` replaced gives way to ``note``.

    A key of its own keeps its unit and note, its source becomes the override.  An item of a list
    (``salary.appraisal.quotas[0].coefficient``) lies inside the list's leaf, which the file describes
    and the brief shows as one row: that leaf keeps its unit and source, and the override is added to
    its source (a later override of the same item replacing the earlier note).
    """
    for old_key in [k for k in leaves if k.startswith((key + ".", key + "["))]:
        del leaves[old_key]  # what the file said about values this override replaced
    outer = key.split("[", 1)[0]
    if outer == key or key in leaves:  # (an item's value of a list the file gives bare has a key of its own)
        old = leaves.get(key, LeafInfo())
        leaves[key] = LeafInfo(unit=old.unit, source=note, note=old.note,
                               zh={k: v for k, v in old.zh.items() if k != "source"})
    if outer != key:
        holder = outer
        while holder not in leaves and "." in holder:  # a list inside a described mapping: the mapping's leaf
            holder = holder.rsplit(".", 1)[0]
        holder = holder if holder in leaves else outer
        old = leaves.get(holder, LeafInfo())

        def add(text: str | None) -> str:
            earlier = re.sub(rf"(^|; ){re.escape(f'--set {key}=')}.*?(?=; --set |$)", "", text or "")
            earlier = earlier.removeprefix("; ")
            return f"{earlier}; {note}" if earlier else note

        zh = dict(old.zh)
        if "source" in zh:
            zh["source"] = add(zh["source"])
        leaves[holder] = LeafInfo(unit=old.unit, source=add(old.source), note=old.note, zh=zh)


def key_problem(key: Any) -> str | None:
    """What is wrong with a dotted key as :meth:`Scenario.with_values` takes it, or None: names joined
    by dots, ``[i]`` after a name for an item of a list."""
    if isinstance(key, str) and _KEY_RE.match(key):
        return None
    return "expected a dotted key" + (_key_hint(str(key)) or f" ({KEY_FORM})")


def _key_hint(key: str) -> str:
    """For a key with a number as a part (``salary.appraisal.quotas.0.max_share``) or an index with a
    leading zero (``[01]``): how to write it."""
    fixed = re.sub(r"\.(\d+)(?=[.\[]|$)|\[(\d+)\]", lambda m: f"[{int(m.group(1) or m.group(2))}]", key)
    if fixed != key and _KEY_RE.match(fixed):
        return f"; an item of a list is picked with [i]: {fixed}"
    return ""


def _section_of(key: Any) -> str:
    """The section (first name) of a dotted key."""
    return re.split(r"[.\[]", str(key), maxsplit=1)[0]


# -- pydantic errors as one-line problems -------------------------------------


def _problem_from_pydantic(err: dict[str, Any], label: str, set_keys: set[str], origin: str = "--set") -> Problem:
    loc = tuple(err["loc"])
    ctx = err.get("ctx") or {}
    kind = err["type"]
    value = err.get("input")
    if kind == "cross_field":
        loc = loc + tuple(_parse_dotted(ctx["field"]))
        message = err["msg"]
    elif kind == "value_error":
        message = str(ctx.get("error", err["msg"]))
    elif kind == "missing":
        message = "required key is missing"
    elif kind == "extra_forbidden":
        names = _fields_at(loc[:-1])
        message = "unknown key" + _did_you_mean(str(loc[-1]), names)
    elif kind in ("float_type", "int_type", "string_type", "bool_type", "int_from_float"):
        wanted = {"float_type": "a number", "int_type": "a whole number", "int_from_float": "a whole number",
                  "string_type": "text", "bool_type": "true or false"}[kind]
        shown = "" if value is None else f" {value!r}"
        message = f"must be {wanted}, got {_kind(value)}{shown}" + _bool_hint(value)
    elif kind == "finite_number":
        message = f"must be a finite number, got {value!r}"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {"greater_than_equal": ("at least", "ge"), "greater_than": ("greater than", "gt"),
              "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}[kind]
        message = f"must be {op[0]} {ctx[op[1]]}, got {value!r}"
    elif kind == "literal_error":
        message = f"must be one of {ctx['expected']}, got {value!r}" + _bool_hint(value)
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = f"must be a mapping of keys, got {_kind(value)}"
    elif kind == "list_type":
        message = f"must be a list, got {_kind(value)}"
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind == "string_too_long":
        message = f"must be at most {ctx['max_length']} characters long"
    else:
        message = err["msg"]
    key = _dotted(loc)
    if any(k == key or k.startswith((key + ".", key + "[")) or key.startswith((k + ".", k + "["))
           for k in set_keys):
        message += f" (from {origin})"
    return Problem(label, key, message)


def _fields_at(loc: tuple) -> list[str]:
    """Field names of the schema section found at ``loc`` (for did-you-mean)."""
    model: Any = ScenarioParams
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if info is None:
            return []
        model = _model_in(info.annotation)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _did_you_mean(name: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if choices:
        return "; expected one of: " + ", ".join(choices)
    return ""


def _bool_hint(value: Any) -> str:
    if isinstance(value, bool):
        return " (YAML reads yes/no/on/off as true/false: quote the text)"
    return ""


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", type(None): "null",
            int: "an integer", float: "a number"}.get(type(value), type(value).__name__)


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _parse_dotted(text: str) -> list[str | int]:
    parts: list[str | int] = []
    for m in re.finditer(r"([A-Za-z_]\w*)|\[(\d+)\]", text):
        parts.append(m.group(1) if m.group(1) else int(m.group(2)))
    return parts
