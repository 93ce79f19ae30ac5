from typing import Any

from django import forms
from django.core.validators import URLValidator

# The same column limits as PortfolioEntry; text has none (the word limit is checked at submission).
LINK_URL_MAX = 1000
LINK_TITLE_MAX = 200


class AutosaveForm(forms.Form):
    """One autosave of one requirement's draft. Fields left out of the request are left
    unchanged (the view passes None for them), so a text editor never clears a link."""

    base_revision = forms.IntegerField(min_value=0)
    text = forms.CharField(required=False, strip=False)
    link_url = forms.CharField(required=False, max_length=LINK_URL_MAX)
    link_title = forms.CharField(required=False, max_length=LINK_TITLE_MAX)

    def clean_link_url(self) -> str:
        url: str = self.cleaned_data["link_url"].strip()
        if url:
            # Only web addresses: a javascript: or data: "link" would run in an assessor's browser.
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError as exc:
                raise forms.ValidationError("Enter a full web address that starts with https:// or http://.") from exc
        return url

    def changes(self, posted: Any) -> dict[str, str | None]:
        """The values to save; None for a field the request did not carry."""
        return {
            name: self.cleaned_data[name] if name in posted else None for name in ("text", "link_url", "link_title")
        }


class SubmitForm(forms.Form):
    privacy = forms.BooleanField(
        required=False,
        label="I confirm that student names, faces and other details that identify students are removed "
        "from my evidence (text and files).",
    )
    change_note = forms.CharField(
        required=False,
        max_length=5000,
        label="What I changed since my last attempt",
        help_text="A few sentences for the assessor: what you revised and where.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, I want to stop pursuing this micro-credential.",
        error_messages={"required": "Tick the box to confirm that you want to withdraw."},
    )
