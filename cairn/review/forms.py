"""The scoring form: one level and one feedback text per criterion, and an overall comment.

Fields are named ``level_<criterion id>`` and ``feedback_<criterion id>``. The page renders
them by hand (a fieldset per criterion, every level with its description), so the form only
parses and validates, and builds the rows the template walks."""

from dataclasses import dataclass, field
from typing import Any

from django import forms

from cairn.catalog.models import RubricCriterion
from cairn.review.models import CriterionScore

TEXT_LIMIT = 10_000


@dataclass
class LevelChoice:
    index: int
    name: str
    description: str
    meets: bool
    checked: bool


@dataclass
class CriterionRow:
    """One criterion as the page shows it: its levels, the chosen one and the feedback."""

    score: CriterionScore
    criterion: RubricCriterion
    levels: list[LevelChoice]
    feedback: str
    level_name: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.criterion.pk

    @property
    def state(self) -> str:
        """Where this criterion stands as saved: "meets", "needs_level" or "needs_feedback"/"not_met"."""
        if self.score.level is None:
            return "needs_level"
        if self.score.meets:
            return "meets"
        return "not_met" if self.score.feedback else "needs_feedback"


class ScoringForm(forms.Form):
    overall_comment = forms.CharField(required=False, max_length=TEXT_LIMIT, strip=True)

    def __init__(self, data: Any = None, *, scores: list[CriterionScore]) -> None:
        self.score_rows = scores
        super().__init__(data)
        for score in scores:
            criterion = score.criterion
            self.fields[f"level_{criterion.pk}"] = forms.TypedChoiceField(
                choices=[(str(i), str(level.get("name", i))) for i, level in enumerate(criterion.levels)],
                coerce=int,
                required=False,
                empty_value=None,
                label=criterion.title,
            )
            self.fields[f"feedback_{criterion.pk}"] = forms.CharField(
                required=False, max_length=TEXT_LIMIT, label=f"Feedback on “{criterion.title}”"
            )

    def posted_scores(self) -> dict[int, tuple[int | None, str]]:
        """{criterion id: (level, feedback)} for what this request changed.

        A criterion the request says nothing about keeps its saved values, and so does a level
        that was not sent: radio buttons cannot be cleared, so a missing level means none was
        picked on the page, not "remove the saved one"."""
        data = self.cleaned_data
        scores: dict[int, tuple[int | None, str]] = {}
        for score in self.score_rows:
            cid = score.criterion_id
            level_sent = f"level_{cid}" in self.data
            feedback_sent = f"feedback_{cid}" in self.data
            if not level_sent and not feedback_sent:
                continue
            level = data.get(f"level_{cid}") if level_sent else score.level
            feedback = data.get(f"feedback_{cid}", "") if feedback_sent else score.feedback
            scores[cid] = (level, feedback)
        return scores

    def posted_overall_comment(self, saved: str) -> str:
        return str(self.cleaned_data["overall_comment"]) if "overall_comment" in self.data else saved

    def differs_from_saved(self, saved_overall_comment: str) -> bool:
        """Whether saving this request would change anything (finalize checks it first)."""
        saved = {s.criterion_id: (s.level, s.feedback) for s in self.score_rows}
        changed = any(
            saved[cid] != (level, feedback.strip()) for cid, (level, feedback) in self.posted_scores().items()
        )
        return changed or self.posted_overall_comment(saved_overall_comment).strip() != saved_overall_comment

    def rows(self) -> list[CriterionRow]:
        """The criteria in rubric order, showing what was posted when the form is bound."""
        rows = []
        for score in self.score_rows:
            criterion = score.criterion
            level_field, feedback_field = self[f"level_{criterion.pk}"], self[f"feedback_{criterion.pk}"]
            chosen = level_field.value() if self.is_bound and f"level_{criterion.pk}" in self.data else score.level
            feedback = feedback_field.value() if self.is_bound else score.feedback
            levels = [
                LevelChoice(
                    index=i,
                    name=str(level.get("name", "")),
                    description=str(level.get("description", "")),
                    meets=i >= criterion.required_level,
                    checked=chosen is not None and str(chosen) == str(i),
                )
                for i, level in enumerate(criterion.levels)
            ]
            rows.append(
                CriterionRow(
                    score=score,
                    criterion=criterion,
                    levels=levels,
                    feedback=str(feedback or ""),
                    level_name=_level_name(criterion, score.level),
                    errors=[*level_field.errors, *feedback_field.errors],
                )
            )
        return rows


def _level_name(criterion: RubricCriterion, level: int | None) -> str:
    if level is None or not 0 <= level < len(criterion.levels):
        return ""
    return str(criterion.levels[level].get("name", ""))


def read_only_rows(scores: list[CriterionScore]) -> list[CriterionRow]:
    """Rows for a review that can no longer change (finalized, or an earlier attempt's)."""
    return ScoringForm(scores=scores).rows()
