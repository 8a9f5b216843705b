"""The chart half of legibility's result: each chart in its final colours and each label's check.

Apart from composer/legibility/charts.py, which makes it, so that the Legibility result in apply.py
can name this type without the two modules importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from composer.charts import Drawing

__all__ = ["ChartLabels", "LabelCheck"]


@dataclass(frozen=True)
class LabelCheck:
    """One chart label's contrast around its glyphs, before and after the policy acted."""

    text: str
    role: str  # tick | category | legend | slice | cell | header | node | value | label ...
    asked: str  # the colour the chart drew it in
    color: str  # the colour it is drawn in
    target: float
    before: float  # the ratio 95% of the pixels around its glyphs meet (floored to 0.01)
    after: float
    action: str  # none | color | halo | unmet (auto could not reach the target) | kept (strict or off)

    @property
    def met(self) -> bool:
        return self.after >= self.target

    def as_dict(self) -> dict:
        return {"text": self.text, "role": self.role, "asked": self.asked, "color": self.color, "target": self.target,
                "before": self.before, "after": self.after, "action": self.action, "met": self.met}


@dataclass(frozen=True)
class ChartLabels:
    """The charts with their labels in final colours, each label's check, and each chart's policy and ground."""

    charts: dict[str, Drawing]
    checks: dict[str, tuple[LabelCheck, ...]]
    policies: dict[str, str]
    grounds: dict[str, str]
    element_off: dict[str, bool] = field(default_factory=dict)  # the chart itself says legibility: off (decorative)

    def report(self, chart_id: str) -> dict:
        """For report.json: the chart's policy, ground, lowest contrast, and every label below its target."""
        checks = self.checks.get(chart_id, ())
        return {
            "policy": self.policies.get(chart_id, "auto"), "ground": self.grounds.get(chart_id),
            "labels": len(checks), "min_contrast": min((c.after for c in checks), default=None),
            "adjusted": sum(c.action in ("color", "halo") for c in checks), "unmet": sum(not c.met for c in checks),
            "below_target": [c.as_dict() for c in checks if c.before < c.target],
        }
