"""The review form: one input per field of the document's kind, checked by field type.

Values are kept as written on the document (a date stays "5/11/2022"); a value is
only accepted when it means something of its type: a date that parses, a phone
with 10 digits, a whole number, Yes/No, IMMUNE/NOT IMMUNE, one medicine per line.
"""
from __future__ import annotations

import re
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError

from extraction.fields import FieldSpec

# The ways dates are written on the documents we receive.
DATE_FORMATS = (
    "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y",
    "%B %d %Y", "%b %d %Y", "%B %d, %Y", "%b %d, %Y",
    "%d %B %Y", "%d %b %Y", "%d %B, %Y",
)
ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
PHONE_CHARACTERS = re.compile(r"^[\d\s()+.\-]+$")
YES_NO = {"yes": "Yes", "y": "Yes", "no": "No", "n": "No"}
IMMUNE = {"immune": "IMMUNE", "not immune": "NOT IMMUNE", "non immune": "NOT IMMUNE", "not-immune": "NOT IMMUNE"}
MULTILINE_TYPES = {"list"}
MULTILINE_NAMES = {"patient_address", "emergency_contact_address", "insurance_address", "directions"}

MESSAGES = {
    "date": "Enter a date as written, e.g. 5/11/2022, May 6 1972 or 30 December 2020.",
    "phone": "Enter a 10-digit phone number, e.g. (737) 988-0851.",
    "integer": "Enter a whole number.",
    "yesno": "Enter Yes or No.",
    "immune": "Enter IMMUNE or NOT IMMUNE.",
}


def display_value(value) -> str:
    """How a stored value is shown in its input."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value)


def parse_date(text: str) -> datetime | None:
    cleaned = ORDINAL.sub("", " ".join(text.replace(",", ", ").split())).rstrip(".")
    cleaned = cleaned.replace(" ,", ",")
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    return None


def parse_value(spec: FieldSpec, raw: str):
    """The stored value for what a reviewer typed; None when empty.

    Raises ValidationError with a message for a person when the text is not a
    value of the field's type.
    """
    text = (raw or "").replace("\r\n", "\n").strip()
    if not text:
        return None
    if spec.type == "list":
        return [line.strip() for line in text.split("\n") if line.strip()]
    if spec.type == "integer":
        if not re.fullmatch(r"\d{1,6}", text):
            raise ValidationError(MESSAGES["integer"])
        return int(text)
    if spec.type == "yesno":
        if text.lower() not in YES_NO:
            raise ValidationError(MESSAGES["yesno"])
        return YES_NO[text.lower()]
    if spec.type == "immune":
        key = " ".join(text.lower().split())
        if key not in IMMUNE:
            raise ValidationError(MESSAGES["immune"])
        return IMMUNE[key]
    single_line = ", ".join(" ".join(line.split()) for line in text.split("\n") if line.strip())
    if spec.type == "date" and parse_date(single_line) is None:
        raise ValidationError(MESSAGES["date"])
    if spec.type == "phone":
        digits = re.sub(r"\D", "", single_line)
        if not PHONE_CHARACTERS.match(single_line) or len(digits) != 10:
            raise ValidationError(MESSAGES["phone"])
    return single_line


def problem_with(spec: FieldSpec, value) -> str | None:
    """Why a stored value cannot be approved, or None when it can."""
    if value in (None, "", []):
        return "Required before approval." if spec.required else None
    try:
        parse_value(spec, display_value(value))
    except ValidationError as error:
        return error.messages[0]
    return None


def input_name(spec: FieldSpec) -> str:
    return f"f_{spec.name}"


class ReviewForm(forms.Form):
    """Built from the kind's field specs and the document's current values.

    `corrections` (after is_valid) holds only the fields whose text changed,
    parsed to stored values. With approving=True every field must be valid and
    every required field filled; otherwise only changed fields are checked, so a
    reviewer can save part of the work. Inputs missing from the data keep their value.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, specs, values: dict, version: int, approving: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.specs = specs
        self.approving = approving
        self.fields["version"].initial = version
        for spec in specs:
            multiline = spec.type in MULTILINE_TYPES or spec.name in MULTILINE_NAMES
            widget = forms.Textarea(attrs={"rows": 3 if spec.type == "list" else 2}) if multiline else forms.TextInput
            field = forms.CharField(label=spec.label, required=False, strip=False, widget=widget)
            field.initial = display_value(values.get(spec.name))
            if spec.choices:
                field.widget.attrs["list"] = f"choices-{spec.type}"
            self.fields[input_name(spec)] = field

    def clean(self):
        cleaned = super().clean()
        self.corrections = {}
        for spec in self.specs:
            key = input_name(spec)
            if key not in self.data:
                # An input that was not sent is not a request to empty the field.
                cleaned[key] = self.fields[key].initial
            raw = (cleaned.get(key) or "").replace("\r\n", "\n").strip()
            initial = self.fields[key].initial.strip()
            changed = raw != initial
            if not (changed or self.approving):
                continue
            try:
                value = parse_value(spec, raw)
            except ValidationError as error:
                self.add_error(key, error)
                continue
            if self.approving and value is None and spec.required:
                self.add_error(key, "Required before approval.")
            if changed:
                self.corrections[spec.name] = value
        return cleaned
