"""API shapes every app shares."""

from __future__ import annotations

from typing import Any, ClassVar

from ninja import Schema
from pydantic import ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError


def _drop_null(schema: dict[str, Any], model: Any) -> None:
    """In the OpenAPI document, the fields that may not be null are not nullable."""
    nullable: frozenset[str] = getattr(model, "nullable", frozenset())
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf")
        if name in nullable or not options:
            continue
        kept = [option for option in options if option.get("type") != "null"]
        if len(kept) == 1:
            prop.pop("anyOf")
            prop.update(kept[0])
        else:
            prop["anyOf"] = kept
        if prop.get("default", 0) is None:
            prop.pop("default")


class PatchSchema(Schema):
    """A PATCH body: only the fields sent change. ``null`` is refused (422, per field) except
    for the fields listed in ``nullable``, where it clears the value."""

    nullable: ClassVar[frozenset[str]] = frozenset()
    model_config = ConfigDict(json_schema_extra=_drop_null)

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise PydanticCustomError("null", "This field cannot be null.")
        return value
