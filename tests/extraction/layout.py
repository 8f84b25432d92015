"""OCR-like pages built by hand: words with boxes (fractions of the page) and confidences.

`page(number, rows)` takes rows of (top, [(left, text), ...]) or (left, text, confidence)
and gives each row its own OCR line, with boxes sized from the text's length;
`prescription_page` and `record_pages` are the two forms as OCR reads them, values and
misreadings included.
"""
from extraction.types import PageResult, Word

CHAR_WIDTH = 0.011
ROW_HEIGHT = 0.018


def page(number: int, rows, width: int = 2400, height: int = 3000) -> PageResult:
    words = []
    for line, (top, items) in enumerate(rows):
        for item in items:
            left, text, confidence = item if len(item) == 3 else (*item, 0.96)
            x = left
            for part in text.split(" "):
                words.append(Word(text=part, confidence=confidence,
                                  bbox=(x, top, x + CHAR_WIDTH * len(part), top + ROW_HEIGHT), line=line))
                x += CHAR_WIDTH * (len(part) + 1)
    return PageResult(number=number, width=width, height=height, words=words)


class Rereads:
    """What reading regions of a page again gave, as the engine's RegionReader answers:
    the same words (boxes as fractions of the page) for whatever region is asked."""

    def __init__(self, words: list[Word]):
        self.words = words
        self.pending: set = set()

    def read(self, left, top, right, bottom, view="smooth", single_line=False) -> list[Word]:
        return [Word(w.text, w.confidence, w.bbox, w.line) for w in self.words]


# The review threshold (settings.REVIEW_THRESHOLD): a value below it goes to a reviewer.
THRESHOLD = 0.8


def values_of(fields):
    return {name: result.value for name, result in fields.items()}


def prescription_page(name_confidence=0.96, refill_text="_2_", date_text="5/1l/2022",
                      medicines=("Amoxicillin 500 md", "Cetirizine 1O mg"), dash="-", degree="M.D",
                      directions="Amoxicillin, take 1 tablet", refill_label="Refill:"):
    return page(1, [
        (0.06, [(0.38, f"Dr Anna Berg, {degree}")]),
        (0.10, [(0.40, "12 Quay Street,")]),
        (0.135, [(0.33, "Leeds. Phone (000)-555-0101")]),
        (0.21, [(0.03, "Name:"), (0.16, "Tom Hale", name_confidence), (0.645, "Date:"), (0.74, date_text)]),
        (0.29, [(0.03, "Adress:"), (0.17, "4 mill lane, york, NY")]),  # a label misread
        (0.40, [(0.04, "R", 0.3)]),  # the Rx sign
        (0.47, [(0.167, medicines[0])]),
        (0.50, [(0.167, medicines[1])]),
        (0.575, [(0.163, "Directions:")]),
        (0.64, [(0.16, directions)]),
        (0.67, [(0.16, f"twice a day {dash} with food")]),
        (0.92, [(0.66, refill_label, 0.4), (0.745, refill_text), (0.80, "times")]),
    ])


def record_pages(contact_phone="(990) 375-4621", allergies="Latex", height_label="Height:", weight_label="Weight:",
                 medications_label=("List any medication taken regularly:",)):
    first = page(1, [
        (0.07, [(0.80, "17/12/2O20")]),
        (0.115, [(0.10, "Patient Medical Record")]),
        (0.17, [(0.107, "Patient Information"), (0.505, "Birth Date")]),
        (0.195, [(0.107, "Jane Doe"), (0.505, "Jun 3 1980")]),
        *([(0.222, [(0.505, weight_label)])] if weight_label else []),
        (0.228, [(0.107, "(212) 555-O147")]),
        (0.245, [(0.505, "6l")]),
        (0.258, [(0.107, "12 Elm St")]),
        (0.278, [(0.107, "Dover, 19901"), (0.505, height_label)]),
        (0.298, [(0.107, "United States")]),
        (0.305, [(0.505, "170")]),
        (0.372, [(0.093, "In Case of Emergency")]),
        (0.42, [(0.518, "14 Oak Rd")]),
        (0.433, [(0.093, "John Doe")]),
        (0.44, [(0.518, "Dover, Delaware, 19901")]),
        (0.46, [(0.518, "United States")]),
        (0.468, [(0.093, "Home phone")]),
        (0.492, [(0.521, "Work phone")] + ([(0.093, contact_phone)] if contact_phone else [])),
        (0.557, [(0.089, "General Medical History")]),
        (0.598, [(0.528, "Measles:")]),
        (0.612, [(0.08, "Chicken Pox (Varicella):")]),
        (0.628, [(0.545, "NOT IMMUNF")]),
        (0.648, [(0.093, "IMMUNE")]),
        (0.695, [(0.077, "Have you had the Hepatitis B vaccination?")]),
        (0.738, [(0.086, "Yes")]),
        (0.765, [(0.075, "List any Medical Problems (asthma, seizures, headaches):")]),
        (0.815, [(0.075, "Asthma")]),
    ])
    second = page(2, [
        (0.15, [(0.10, "Name of Insurance Company:")]),
        (0.19, [(0.10, "Harbor tnsurance Company")]),
        (0.205, [(0.525, "9 Bay Rd")]),
        (0.235, [(0.525, "Salem, Oregon, 97301")]),
        (0.245, [(0.095, "Policy Number:")]),
        (0.29, [(0.095, "12O45S78")]),
        (0.293, [(0.555, "Expiry Date:")]),
        (0.33, [(0.555, "1 March 2027")]),
        (0.38, [(0.092, "Do you have medical insurance?")]),
        (0.435, [(0.10, "Yes")]),
        (0.53, [(0.092, "Medical Insurance Details")]),
        (0.60, [(0.092, "List any allergies:")]),
        *([(0.645, [(0.092, allergies)])] if allergies else []),
        # Each piece its own OCR line, side by side on the row (tesseract sometimes breaks a line).
        *((0.708, [(0.092 + 0.011 * len(" ".join(medications_label[:i])) + 0.011 * (i > 0), piece)])
          for i, piece in enumerate(medications_label)),
        (0.76, [(0.092, "Insulin")]),
    ])
    return [first, second]
