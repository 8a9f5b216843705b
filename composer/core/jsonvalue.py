"""Types for data as YAML and JSON carry it: what crosses a stage boundary instead of `Any`."""

from __future__ import annotations

from typing import Union

JSONValue = Union[None, bool, int, float, str, list["JSONValue"], dict[str, "JSONValue"]]
JSONObject = dict[str, JSONValue]
