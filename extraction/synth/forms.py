"""Draw the two forms with Pillow, with the layout and labels of the real ones.

Positions are fractions of the page; font sizes are in points, so a page
drawn at any dpi has the same look. Fonts are Debian's DejaVu (fonts-dejavu-core).
"""
from __future__ import annotations

import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SANS, SANS_BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
VALUE_FONTS = ["DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Bold.ttf"]
INK, GREY = (20, 20, 25), (95, 95, 100)
# Pages in inches: the prescription is a letter sheet; the record's pages are cut wide.
PRESCRIPTION_PAGE = (8.5, 11.0)
RECORD_PAGES = ((9.3, 10.0), (10.0, 7.0))


@lru_cache(maxsize=64)
def font(name: str, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_DIR + name, max(6, pixels))


class Canvas:
    def __init__(self, inches: tuple[float, float], dpi: int):
        self.dpi = dpi
        self.image = Image.new("RGB", (round(inches[0] * dpi), round(inches[1] * dpi)), "white")
        self.draw = ImageDraw.Draw(self.image)

    def px(self, fx: float, fy: float) -> tuple[int, int]:
        return round(fx * self.image.width), round(fy * self.image.height)

    def text(self, fx: float, fy: float, text: str, face: str, points: float, fill=INK,
             centre: bool = False) -> tuple[int, int, int, int]:
        typeface = font(face, round(points * self.dpi / 72))
        x, y = self.px(fx, fy)
        if centre:
            x -= round(self.draw.textlength(text, font=typeface) / 2)
        self.draw.text((x, y), text, font=typeface, fill=fill)
        return self.draw.textbbox((x, y), text, font=typeface)

    def rule(self, fx0: float, fx1: float, fy: float, width_pt: float = 1.0, fill=INK):
        x0, y = self.px(fx0, fy)
        x1, _ = self.px(fx1, fy)
        self.draw.line([(x0, y), (x1, y)], fill=fill, width=max(1, round(width_pt * self.dpi / 72)))

    def wrap(self, text: str, face: str, points: float, max_fraction: float) -> list[str]:
        typeface = font(face, round(points * self.dpi / 72))
        limit = max_fraction * self.image.width
        lines, current = [], ""
        for word in text.split():
            trial = f"{current} {word}".strip()
            if current and self.draw.textlength(trial, font=typeface) > limit:
                lines.append(current)
                current = word
            else:
                current = trial
        return lines + ([current] if current else [])


def draw_prescription(layout: dict, truth: dict, dpi: int, rng: random.Random) -> list[Image.Image]:
    page = Canvas(PRESCRIPTION_PAGE, dpi)
    label_face = rng.choice([SANS, SANS_BOLD])
    value_face = rng.choice(VALUE_FONTS)
    size = rng.uniform(12.5, 15.0)
    dy = rng.uniform(-0.01, 0.01)
    for i, line in enumerate(layout["letterhead"]):
        page.text(0.5, 0.055 + dy + i * 0.034, line, SANS, size - 1, centre=True)
    row = 0.205 + dy
    page.text(0.03, row, "Name:", label_face, size)
    page.text(0.16, row, truth["patient_name"], value_face, size)
    page.rule(0.145, 0.615, row + 0.028)
    page.text(0.645, row, "Date:", label_face, size)
    page.text(0.74, row, truth["prescription_date"], value_face, size)
    page.rule(0.735, 0.93, row + 0.028)
    row += 0.075
    page.text(0.03, row, "Address:", label_face, size)
    page.text(0.17, row, truth["patient_address"], value_face, size)
    page.rule(0.165, 0.93, row + 0.028)
    page.text(0.04, 0.38 + dy, "\u211e", SANS_BOLD, size * 2.6)
    y = 0.465 + dy
    for medicine in truth["medicines"]:
        page.text(0.167, y, medicine, value_face, size)
        y += 0.03
    y = max(y + 0.04, 0.575 + dy)
    page.text(0.163, y, "Directions:", value_face, size)
    y += 0.065
    for line in layout["direction_lines"]:
        for part in page.wrap(line, value_face, size, 0.78):
            page.text(0.16, y, part, value_face, size)
            y += 0.03
    refill_y = max(y + 0.06, 0.9 + dy)
    box = page.text(0.66, refill_y, "Refill:", label_face, size)
    x_value = box[2] / page.image.width + 0.035
    page.text(x_value, refill_y, str(truth["refills"]), value_face, size)
    page.rule(x_value - 0.02, x_value + 0.05, refill_y + 0.03)
    page.text(x_value + 0.065, refill_y, "times", label_face, size)
    return [page.image]


def _lines(page: Canvas, fx: float, fy: float, lines: list[str], face: str, points: float, step: float):
    for i, line in enumerate(lines):
        page.text(fx, fy + i * step, line, face, points)


def draw_patient_details(layout: dict, truth: dict, dpi: int, rng: random.Random) -> list[Image.Image]:
    size = rng.uniform(9.0, 10.5)
    value_face = rng.choice([SANS_BOLD, SANS_BOLD, SANS])
    first = Canvas(RECORD_PAGES[0], dpi)
    first.text(0.8, 0.075, truth["record_date"], SANS_BOLD, size - 1)
    first.text(0.1, 0.115, "Patient Medical Record", SANS_BOLD, size * 2)
    first.text(0.107, 0.17, "Patient Information", SANS, size, GREY)
    first.text(0.107, 0.195, truth["patient_name"], value_face, size)
    first.text(0.107, 0.228, truth["phone_number"], value_face, size)
    _lines(first, 0.107, 0.258, layout["home_lines"], value_face, size, 0.02)
    first.text(0.505, 0.168, "Birth Date", SANS, size, GREY)
    first.text(0.505, 0.19, truth["birth_date"], value_face, size)
    first.text(0.505, 0.22, "Weight:", SANS, size, GREY)
    first.text(0.505, 0.245, str(truth["weight"]), value_face, size)
    first.text(0.505, 0.278, "Height:", SANS, size, GREY)
    first.text(0.505, 0.303, str(truth["height"]), value_face, size)
    first.text(0.093, 0.372, "In Case of Emergency", SANS, size * 1.3, GREY)
    first.rule(0.09, 0.93, 0.405, 0.8, GREY)
    first.text(0.093, 0.433, truth["emergency_contact_name"], value_face, size)
    first.text(0.093, 0.468, "Home phone", SANS, size, GREY)
    if truth["emergency_contact_phone"]:
        first.text(0.093, 0.493, truth["emergency_contact_phone"], SANS, size)
    _lines(first, 0.518, 0.42, layout["contact_lines"], SANS, size, 0.02)
    first.text(0.521, 0.492, "Work phone", SANS, size, GREY)
    first.text(0.089, 0.557, "General Medical History", SANS, size * 1.3, GREY)
    first.rule(0.085, 0.95, 0.59, 0.8, GREY)
    first.text(0.08, 0.612, "Chicken Pox (Varicella):", SANS, size * 1.1, GREY)
    first.text(0.093, 0.648, truth["chicken_pox"], SANS, size)
    first.text(0.528, 0.598, "Measles:", SANS, size, GREY)
    first.text(0.545, 0.628, truth["measles"], SANS, size)
    first.text(0.077, 0.695, "Have you had the Hepatitis B vaccination?", SANS, size * 1.1, GREY)
    first.text(0.086, 0.738, truth["hepatitis_b_vaccination"], SANS, size)
    first.text(0.075, 0.765, "List any Medical Problems (asthma, seizures, headaches):", SANS, size * 1.1, GREY)
    if truth["medical_problems"]:
        first.text(0.075, 0.815, truth["medical_problems"], SANS, size)

    second = Canvas(RECORD_PAGES[1], dpi)
    second.rule(0.05, 0.97, 0.11, 0.8, GREY)
    second.text(0.1, 0.15, "Name of Insurance Company:", SANS_BOLD, size)
    second.text(0.1, 0.19, truth["insurance_company"], value_face, size)
    _lines(second, 0.525, 0.205, layout["insurer_lines"], SANS, size, 0.03)
    second.text(0.095, 0.245, "Policy Number:", SANS_BOLD, size)
    second.text(0.095, 0.29, truth["policy_number"], value_face, size)
    second.text(0.555, 0.293, "Expiry Date:", SANS_BOLD, size)
    second.text(0.555, 0.33, truth["insurance_expiry_date"], SANS, size)
    second.text(0.092, 0.38, "Do you have medical insurance?", SANS_BOLD, size)
    second.text(0.1, 0.435, truth["has_insurance"], value_face, size)
    second.text(0.092, 0.53, "Medical Insurance Details", SANS_BOLD, size * 1.4)
    second.text(0.092, 0.6, "List any allergies:", SANS_BOLD, size)
    if truth["allergies"]:
        second.text(0.092, 0.645, truth["allergies"], value_face, size)
    second.text(0.092, 0.708, "List any medication taken regularly:", SANS_BOLD, size)
    if truth["regular_medications"]:
        second.text(0.092, 0.76, truth["regular_medications"], value_face, size)
    return [first.image, second.image]
