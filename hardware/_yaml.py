"""Reading YAML files into pydantic models, with errors a user can act on."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from tournament.errors import UserError

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_mapping(path: Path) -> dict[str, Any]:
    """The mapping at the top of the YAML (or JSON) file ``path``, read by the platform's one
    safe loader (:func:`tournament.schema.loading.load_document`: a regular file opened once,
    no symbolic link, size-bounded, no aliases, tags or duplicate keys, finite numbers only).

    Raises:
        UserError: the file cannot be read or is not such a document (each sentence prefixed
            with the path).
    """
    from tournament.schema.loading import load_document

    try:
        return load_document(path)
    except UserError as exc:
        raise UserError([f"{path}: {problem}" for problem in exc.problems]) from None


def validate(model: type[ModelT], data: Any, where: str) -> ModelT:
    """``model.model_validate(data)``, turning each validation error into one sentence.

    Raises:
        UserError: one problem per invalid field, each naming ``where`` and the field.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise UserError(problems(exc, where)) from None


def problems(exc: ValidationError, where: str) -> list[str]:
    """One sentence per error: ``<where>: field '<a.b>': <what was expected> (got <value>).``"""
    return [_sentence(err, where) for err in exc.errors(include_url=False)]


def _sentence(err: Any, where: str) -> str:
    field = ".".join(str(part) for part in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    msg = msg[:1].lower() + msg[1:]
    if not field:
        return f"{where}: {msg}."
    if err["type"] == "missing":
        return f"{where}: field '{field}' is required."
    if err["type"] == "extra_forbidden":
        return f"{where}: field '{field}' is not a known field."
    got = repr(err.get("input"))
    got = got if len(got) <= 60 else got[:57] + "..."
    return f"{where}: field '{field}': {msg} (got {got})."


def write_yaml(data: dict[str, Any], path: Path, header: str = "") -> None:
    """Write ``data`` as block-style YAML (keys in the given order), with an optional comment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    body = yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)
    path.write_text(comment + body, encoding="utf-8")
