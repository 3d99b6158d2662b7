"""The shape of a whole scenario: ``meta`` and the registered models' sections.

Field names are the dotted keys of the scenario file (``revenue.sharing.cap``).
Each model's section is its own pydantic model (``simlib.models.<name>``); this
module puts ``meta`` in front of them.  Every section forbids unknown keys and
runs in strict mode, so ``"0.5"`` (a string) is not a share and ``true`` is not
a year.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, create_model, field_validator, model_validator

from simlib.models import registry
from simlib.models.base import Model, Section, cross_field_error


class Meta(Section):
    title: str = Field(min_length=1, max_length=300)
    zone: str = Field(min_length=1, max_length=200)
    language: Literal["zh", "en"] = "zh"
    seed: int = Field(ge=0, le=2**63 - 1)
    #: What the scenario is about: text, or text by language ({zh: …, en: …}) so each brief reads in its own.
    description: str | dict[str, str] | None = None
    documents: str | None = Field(default=None, min_length=1, max_length=500)  # register file, beside the scenario
    #: Chinese names (places, units, grades, posts) → their English translation or pinyin, for English briefs.
    glossary: dict[str, str] = Field(default_factory=dict, max_length=500)

    @field_validator("description", mode="before")
    @classmethod
    def _description_by_language(cls, value: object) -> object:
        """Text, or text by language: one problem for anything else, not one per branch of the union."""
        if value is None:
            return value
        if isinstance(value, dict) and not value:
            raise ValueError("must be text, or text by language ({zh: …, en: …}), got an empty mapping")
        for lang, text in (value.items() if isinstance(value, dict) else [(None, value)]):
            if lang is not None and lang not in ("zh", "en"):
                raise ValueError(f"unknown language {lang!r}: a description by language takes zh and en")
            if not isinstance(text, str) or not text.strip() or len(text) > 5000:
                raise ValueError("must be text of 1 to 5,000 characters, or text by language ({zh: …, en: …})")
        return value


class _Scenario(Section):
    """The fields every scenario has; the registered models' sections are added by :func:`compose`."""

    meta: Meta

    @model_validator(mode="after")
    def _has_a_model(self) -> _Scenario:
        sections = [name for name in type(self).model_fields if name != "meta"]
        if all(getattr(self, name) is None for name in sections):
            raise cross_field_error(sections[0], "required key is missing: a scenario needs a model section "
                                                 f"({', '.join(sections)})")
        for model in registry():
            if model.check_links is not None and getattr(self, model.section, None) is not None:
                for key, message in model.check_links(self)[:1]:  # one error is raised at a time
                    raise cross_field_error(key, message)
        return self


def compose(models: tuple[Model, ...]) -> type[Section]:
    """The schema of a whole scenario file: ``meta`` and one optional section per model."""
    fields = {m.section: (m.params | None, None) for m in models}
    return create_model("ScenarioParams", __base__=_Scenario, __module__=__name__, **fields)


#: The schema of a scenario file with every registered model (a class of this module, so that
#: validated scenarios pickle for worker processes and Dask).
ScenarioParams = compose(registry())
