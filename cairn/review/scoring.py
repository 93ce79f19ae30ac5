"""The decision follows from the scores and the micro-credential's pass rule; assessors
confirm it, they do not pick it."""

from collections.abc import Iterable

from cairn.catalog.models import MicroCredentialVersion, PassRule, RubricCriterion
from cairn.earning.models import Decision


def meets(criterion: RubricCriterion, level: int | None) -> bool:
    return level is not None and level >= criterion.required_level


def decide(version: MicroCredentialVersion, levels: Iterable[tuple[RubricCriterion, int | None]]) -> str:
    met = sum(1 for criterion, level in levels if meets(criterion, level))
    total = sum(1 for _ in version_criteria(version))
    needed = total if version.pass_rule == PassRule.ALL else (version.pass_min_criteria or total)
    return Decision.EARNED if met >= needed else Decision.NOT_YET


def version_criteria(version: MicroCredentialVersion) -> list[RubricCriterion]:
    return list(
        RubricCriterion.objects.filter(requirement__version=version).order_by("requirement__position", "position", "id")
    )
