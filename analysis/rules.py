"""What the judging stages need from the config: the topic and the watched productions.

Frozen values; `scheduler.config` builds them from TOML. `__pydantic_config__` lets the config
loader validate these dataclasses directly and refuse unknown keys, without this package
importing pydantic.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WatchSpec:
    """A production whose launch and casting details are tracked."""

    __pydantic_config__ = {"extra": "forbid"}

    name: str
    label: str = ""
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("name: must not be empty")


@dataclass(frozen=True)
class TopicRules:
    """Relevant coverage mentions an `include` term and a `require` term."""

    __pydantic_config__ = {"extra": "forbid"}

    include: tuple[str, ...] = ("film", "movie", "shoot", "actor", "actress", "director", "cinema")
    require: tuple[str, ...] = ("space", "orbit", "ISS", "space station", "Roscosmos", "NASA",
                                "cosmonaut", "astronaut")
    exclude: tuple[str, ...] = ()



@dataclass(frozen=True)
class AnalysisOptions:
    """How text is read: `spacy_model` names an installed spaCy pipeline ("" picks en_core_web_sm)."""

    __pydantic_config__ = {"extra": "forbid"}

    spacy_model: str = ""

    def __post_init__(self) -> None:
        if self.spacy_model:
            from importlib.util import find_spec

            if find_spec(self.spacy_model.replace("-", "_")) is None:
                raise ValueError(f"spacy_model: {self.spacy_model!r} is not an installed spaCy model package")


@dataclass(frozen=True)
class Rules:
    """The topic and the watch list, as one value passed to every judging stage."""

    topic: TopicRules
    watches: tuple[WatchSpec, ...] = ()
    spacy_model: str = ""
