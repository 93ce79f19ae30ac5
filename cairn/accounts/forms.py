from django import forms

from cairn.accounts.models import Role


class MembershipGrantForm(forms.Form):
    email = forms.EmailField(
        help_text="If nobody uses this address yet, Cairn creates an account they activate by resetting the password."
    )
    full_name = forms.CharField(max_length=200, required=False)
    role = forms.ChoiceField(choices=Role.choices)
