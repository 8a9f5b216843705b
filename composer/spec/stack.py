"""Spec model of the `stack` element: children that flow in a column or a row (laid out in composer/stack.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import Field, field_validator, model_validator

from composer.core.limits import MAX_ELEMENTS
from composer.spec.base import BoxSpec, Color, ElementBase, Gradient, Length, non_negative

if TYPE_CHECKING:
    from composer.spec.model import Element



class StackElement(ElementBase):
    """Children flow top to bottom (column) or left to right (row) with gaps; text takes its set height."""

    type: Literal["stack"]
    box: BoxSpec | None = None
    direction: Literal["column", "row"] = "column"
    gap: Length = 0
    padding: Union[Length, list[Length]] = Field(default=0, description="one length, [vertical, horizontal] or [top, right, bottom, left]")
    align: Literal["start", "center", "end", "stretch"] = "stretch"
    justify: Literal["start", "center", "end", "space-between", "space-around", "space-evenly"] = "start"
    fill: Union[Color, Gradient, None] = Field(default=None, description="a panel drawn behind the stack's box")
    stroke: Color | None = None
    stroke_width: Annotated[float, Field(ge=0)] = 0
    radius: Annotated[float, Field(ge=0)] = 0
    elements: list["Element"] = Field(default_factory=list, max_length=MAX_ELEMENTS)  # resolved in composer.spec.model

    _gap = field_validator("gap", mode="before")(lambda v: non_negative(v, "gap"))

    @field_validator("padding", mode="before")
    @classmethod
    def _padding(cls, v: Any) -> Any:
        if isinstance(v, (list, tuple)):
            if len(v) not in (1, 2, 4):
                raise ValueError(f"invalid padding {list(v)!r}; allowed: one length, [vertical, horizontal] or [top, right, bottom, left]")
            return [non_negative(x, "padding") for x in v]
        return non_negative(v, "padding")

    @model_validator(mode="before")
    @classmethod
    def _auto_boxes(cls, data: Any) -> Any:
        """A child without a box is sized by the stack: give it an `auto` box so its model validates."""
        if isinstance(data, dict) and isinstance(data.get("elements"), list):
            kids = []
            for el in data["elements"]:
                if isinstance(el, dict) and el.get("type") not in ("line", "group", "stack", None) and "box" not in el:
                    el = {**el, "box": {"width": "auto", "height": "auto"}}
                elif isinstance(el, dict) and isinstance(el.get("box"), dict):
                    el = {**el, "box": {"width": "auto", "height": "auto", **el["box"]}}
                kids.append(el)
            data = {**data, "elements": kids}
        return data
