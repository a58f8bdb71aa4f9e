"""Validation errors (pydantic) turned into epaper problems: place, message, fix."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from pydantic import BaseModel, ValidationError

from epaper.errors import Problem


def validation_problems(exc: ValidationError, path: Path, model: type[BaseModel],
                        nested: Mapping[str, type[BaseModel]],
                        line_of: Callable[[tuple[object, ...]],
                                          int | tuple[int, int] | None],
                        fixes: Mapping[str, str], word: str = "field") -> list[Problem]:
    """One problem per validation error. An unknown key gets the nearest known one as a
    suggestion ("did you mean 'headline'?"); ``nested`` gives the models of list items;
    ``line_of`` finds the line (or line and column) of a location; ``fixes`` maps error types
    to advice."""
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc)
        place = line_of(loc)
        line, column = place if isinstance(place, tuple) else (place, None)
        if err["type"] == "extra_forbidden":
            owner = nested.get(str(loc[0]), model) if len(loc) > 1 else model
            known = [info.alias or key for key, info in owner.model_fields.items()]
            name = str(loc[-1])
            close = difflib.get_close_matches(name, known, n=1)
            problems.append(Problem(path, f"unknown {word} '{name}'", field=field, line=line,
                                    column=column, fix=f"did you mean '{close[0]}'?" if close else
                                    f"known {word}s: " + ", ".join(known)))
            continue
        message = re.sub(r"^Value error, ", "", err["msg"])
        problems.append(Problem(path, message[0].lower() + message[1:], field=field, line=line,
                                column=column, fix=fixes.get(err["type"])))
    return problems
