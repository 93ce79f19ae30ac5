"""Authoring forms. Lists are edited one item per line; errors name the field."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.db.models import QuerySet

from cairn.accounts.models import Organization
from cairn.catalog.models import (
    Audience,
    CatalogStatus,
    FileKind,
    FrameworkItem,
    MicroCredential,
    PassRule,
    RequirementKind,
    Stack,
)


class LinesField(forms.CharField):
    """A list of strings, one per line, blank lines dropped."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ResourcesField(LinesField):
    """Research and resources, one per line as ``Title | https://link``."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(f"{r['title']} | {r['url']}" if r.get("url") else r["title"] for r in value)
        return value

    def to_python(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        out = []
        for n, line in enumerate(super().to_python(value), 1):
            title, _, url = (part.strip() for part in line.partition("|"))
            if url:
                try:
                    URLValidator()(url)
                except forms.ValidationError as exc:
                    raise forms.ValidationError(f"Line {n}: “{url}” is not a valid link.") from exc
            out.append({"title": title, "url": url})
        return out


class MicroCredentialForm(forms.Form):
    title = forms.CharField(max_length=200)
    competency = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Competency statement")
    key_method = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    method_components = LinesField(help_text="One per line.")
    essential_outcomes = LinesField(help_text="One per line.")
    resources = ResourcesField(label="Research and resources", help_text="One per line: Title | https://link")
    audience = forms.MultipleChoiceField(choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False)
    grade_bands = LinesField(help_text="One per line, e.g. K–3.", widget=forms.Textarea(attrs={"rows": 2}))
    subjects = LinesField(help_text="One per line.", widget=forms.Textarea(attrs={"rows": 2}))
    pd_hours = forms.DecimalField(
        min_value=Decimal("0"), max_value=Decimal("9999"), decimal_places=2, label="PD value (hours)"
    )
    estimated_hours = forms.DecimalField(
        min_value=Decimal("0"), max_value=Decimal("9999"), decimal_places=2, label="Estimated effort (hours)"
    )
    pass_rule = forms.ChoiceField(choices=PassRule.choices, widget=forms.RadioSelect)
    pass_min_criteria = forms.IntegerField(min_value=1, required=False, label="N (criteria needed, for an N-of-M rule)")
    sample_content = forms.BooleanField(required=False, label="Requirements and rubric are sample content")
    image = forms.ImageField(required=False, help_text="PNG or JPEG, square. Without one, Cairn draws an emblem.")
    alignments = forms.ModelMultipleChoiceField(
        queryset=FrameworkItem.objects.select_related("framework"),
        required=False,
        help_text="Standards this micro-credential aligns to. Hold Ctrl (⌘ on a Mac) to choose several.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    prerequisites = forms.ModelMultipleChoiceField(
        queryset=MicroCredential.objects.filter(current_version__isnull=False).select_related("current_version"),
        required=False,
        help_text="Micro-credentials an educator must hold before starting this one.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def exclude_prerequisite(self, mc: MicroCredential) -> None:
        """A micro-credential cannot be its own prerequisite, so it is not offered."""
        field = self.fields["prerequisites"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = field.queryset.exclude(pk=mc.pk)  # type: ignore[union-attr]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("pass_rule") == PassRule.N_OF_M and not data.get("pass_min_criteria"):
            self.add_error("pass_min_criteria", "Give N for an N-of-M pass rule.")
        return data


class NewMicroCredentialForm(forms.Form):
    issuer = forms.ModelChoiceField(queryset=Organization.objects.none(), empty_label=None)
    slug = forms.SlugField(
        max_length=80,
        label="Key",
        help_text="Lower-case letters, digits and hyphens; appears in links and credentials and never changes.",
    )
    title = forms.CharField(max_length=200)
    competency = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Competency statement")

    def __init__(self, *args: Any, issuers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers  # type: ignore[attr-defined]


class RequirementForm(forms.Form):
    key = forms.SlugField(max_length=80, help_text="Stable within this micro-credential, e.g. “narrative”.")
    kind = forms.ChoiceField(choices=RequirementKind.choices)
    title = forms.CharField(max_length=200)
    instructions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    guiding_questions = LinesField(help_text="One per line.")
    word_limit = forms.IntegerField(min_value=1, required=False)
    file_kinds = forms.MultipleChoiceField(
        choices=FileKind.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Accepted files"
    )
    required = forms.BooleanField(required=False, initial=True)


class CriterionForm(forms.Form):
    key = forms.SlugField(max_length=80)
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    levels = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Lowest first, one per line: Level name: what it looks like",
        initial="Not yet: \nDemonstrated: ",
    )
    required_level = forms.CharField(
        max_length=100, label="Passing level", help_text="The name of the lowest level that meets the criterion."
    )

    @staticmethod
    def levels_text(levels: list[dict[str, str]]) -> str:
        return "\n".join(f"{lv['name']}: {lv.get('description', '')}".rstrip() for lv in levels)

    def clean_levels(self) -> list[dict[str, str]]:
        levels = []
        for line in self.cleaned_data["levels"].splitlines():
            if line.strip():
                name, _, description = (p.strip() for p in line.partition(":"))
                levels.append({"name": name, "description": description})
        if len(levels) < 2:
            raise forms.ValidationError("Give at least two levels, lowest first.")
        names = [lv["name"] for lv in levels]
        if len(set(names)) != len(names):
            raise forms.ValidationError("Each level needs a different name.")
        return levels

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        levels, required = data.get("levels"), data.get("required_level")
        if levels and required:
            names = [lv["name"] for lv in levels]
            if required not in names:
                self.add_error("required_level", f"Name one of the levels: {', '.join(names)}.")
            elif names.index(required) == 0:
                self.add_error("required_level", "The passing level cannot be the lowest level.")
            else:
                data["required_level"] = names.index(required)
        return data


class StackForm(forms.Form):
    issuer = forms.ModelChoiceField(queryset=Organization.objects.none(), empty_label=None)
    slug = forms.SlugField(max_length=80, label="Key")
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    status = forms.ChoiceField(choices=CatalogStatus.choices)
    micro_credentials = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        label="Micro-credentials, in order",
        help_text="One key per line (see the list beside the form).",
    )

    def __init__(self, *args: Any, issuers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers  # type: ignore[attr-defined]

    def clean_micro_credentials(self) -> list[MicroCredential]:
        slugs = [s.strip() for s in self.cleaned_data["micro_credentials"].splitlines() if s.strip()]
        found = MicroCredential.objects.in_bulk(slugs, field_name="slug")
        missing = [s for s in slugs if s not in found]
        if missing:
            raise forms.ValidationError(f"Unknown micro-credential key(s): {', '.join(missing)}.")
        return [found[s] for s in slugs]


class PathwayForm(forms.Form):
    issuer = forms.ModelChoiceField(queryset=Organization.objects.none(), empty_label=None)
    slug = forms.SlugField(max_length=80, label="Key")
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    status = forms.ChoiceField(choices=CatalogStatus.choices)
    min_count = forms.IntegerField(min_value=1, required=False, label="Minimum number of micro-credentials")
    committee_review = forms.BooleanField(required=False, label="Ends with a committee review")
    committee_review_note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    steps = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        label="Steps",
        help_text=(
            "One step per line: Title | how many required (blank = all) | keys separated by commas "
            "| optional description. Start a line with ! for a prerequisite step. Stack keys start with stack:"
        ),
    )

    def __init__(self, *args: Any, issuers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers  # type: ignore[attr-defined]

    @staticmethod
    def steps_text(steps: list[dict[str, Any]]) -> str:
        lines = []
        for step in steps:
            keys = ", ".join(f"stack:{o['stack']}" if "stack" in o else o["micro_credential"] for o in step["options"])
            count = "" if step["required_count"] is None else str(step["required_count"])
            line = f"{'!' if step['prerequisite'] else ''}{step['title']} | {count} | {keys}"
            lines.append(f"{line} | {step['description']}" if step["description"] else line)
        return "\n".join(lines)

    def clean_steps(self) -> list[dict[str, Any]]:
        mcs = MicroCredential.objects.in_bulk(field_name="slug")
        stacks = Stack.objects.in_bulk(field_name="slug")
        steps = []
        for n, line in enumerate(self.cleaned_data["steps"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|", 3)]
            if len(parts) < 3:
                raise forms.ValidationError(f"Line {n}: write Title | count | keys (| description).")
            title, count, keys = parts[:3]
            description = parts[3] if len(parts) == 4 else ""
            prerequisite = title.startswith("!")
            title = title.lstrip("!").strip()
            if count and not count.isdigit():
                raise forms.ValidationError(f"Line {n}: “{count}” is not a number.")
            options: list[MicroCredential | Stack] = []
            for key in (k.strip() for k in keys.split(",") if k.strip()):
                if key.startswith("stack:"):
                    if key[6:] not in stacks:
                        raise forms.ValidationError(f"Line {n}: unknown stack “{key[6:]}”.")
                    options.append(stacks[key[6:]])
                elif key in mcs:
                    options.append(mcs[key])
                else:
                    raise forms.ValidationError(f"Line {n}: unknown micro-credential “{key}”.")
            steps.append(
                {
                    "title": title,
                    "description": description,
                    "is_prerequisite": prerequisite,
                    "required_count": int(count) if count else None,
                    "options": options,
                }
            )
        if not steps:
            raise forms.ValidationError("Add at least one step.")
        return steps
