"""Random, realistic values for the two forms, with their ground truth.

Each generator takes a `random.Random` so a seed gives the same document again.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

FIRST_NAMES = [
    "Marta", "James", "Aisha", "Wei", "Olga", "Carlos", "Priya", "Liam", "Fatima", "Noah",
    "Sofia", "Mateo", "Chloe", "Hiroshi", "Amara", "Ethan", "Ingrid", "Kwame", "Lucia", "Omar",
    "Hannah", "Diego", "Mei", "Tobias", "Leila", "Samuel", "Nadia", "Victor", "Grace", "Rafael",
    "Elena", "Jonah", "Yusuf", "Clara", "Dmitri", "Zoe", "Arjun", "Beatrice", "Kofi", "Harriet",
    "Ivan", "Rosa", "Malik", "Astrid", "Luca", "Imani", "Felix", "Naomi", "Pedro", "Tessa",
]
LAST_NAMES = [
    "Johnson", "Okafor", "Nguyen", "Petrov", "Garcia", "Sharma", "Murphy", "Haddad", "Kowalski",
    "Tanaka", "Rossi", "Fischer", "Mensah", "Lopez", "Bennett", "Ivanova", "Chen", "Dubois",
    "Andersen", "Silva", "Walker", "Novak", "Hughes", "Kim", "Moreau", "Campbell", "Yilmaz",
    "Larsen", "Adeyemi", "Romero", "Schmidt", "Patel", "O'Brien", "Costa", "Lindqvist", "Reyes",
    "Baker", "Horvat", "Sato", "Mitchell", "Duarte", "Ferreira", "Brooks", "Varga", "Ellis",
]
STREETS = ["Poplar", "Maple", "Oak", "Cedar", "Elm", "Pine", "Willow", "Birch", "Lake", "Hill",
           "Park", "River", "Sunset", "Highland", "Harbor", "Church", "Mill", "Spring", "Forest", "Valley"]
STREET_TYPES = ["Dr", "St", "Ave", "Rd", "Blvd", "Lane", "Way", "Court", "Street", "Road"]
CITIES = [("Buffalo", "New York", "NY"), ("Newark", "New Jersey", "NJ"), ("Boston", "Massachusetts", "MA"),
          ("Austin", "Texas", "TX"), ("Denver", "Colorado", "CO"), ("Seattle", "Washington", "WA"),
          ("Chicago", "Illinois", "IL"), ("Portland", "Oregon", "OR"), ("Phoenix", "Arizona", "AZ"),
          ("Columbus", "Ohio", "OH"), ("Atlanta", "Georgia", "GA"), ("Madison", "Wisconsin", "WI")]
MEDICINES = [("Amoxicillin", ["250", "500"], "mg"), ("Metformin", ["500", "850"], "mg"),
             ("Lisinopril", ["10", "20"], "mg"), ("Atorvastatin", ["20", "40"], "mg"),
             ("Hydrocortisone", ["5", "10", "20"], "mg"), ("Ibuprofen", ["200", "400"], "mg"),
             ("Omeprazole", ["20", "40"], "mg"), ("Mesalamine", ["1.2", "2.4"], "gram"),
             ("Levothyroxine", ["50", "100"], "mcg"), ("Azithromycin", ["250", "500"], "mg"),
             ("Sertraline", ["50", "100"], "mg"), ("Cetirizine", ["10"], "mg"),
             ("Amlodipine", ["5", "10"], "mg"), ("Gabapentin", ["300", "600"], "mg"),
             ("Salbutamol", ["100"], "mcg"), ("Paracetamol", ["500"], "mg"),
             ("Cephalexin", ["250", "500"], "mg"), ("Losartan", ["25", "50"], "mg"),
             ("Ciprofloxacin", ["1", "2"], "g"), ("Doxycycline", ["100"], "mg")]
DIRECTIONS = [
    "{drug}, take 1 tablet twice a day with food",
    "{drug} - take {n} tablets daily for {m} months",
    "{drug}, reduce by {dose} every {n} days, stop after {w} weeks",
    "{drug}, take {n} capsules every morning for {m} weeks",
    "{drug} - one tablet at night before sleep",
    "{drug}, take as needed for pain, at most {n} a day",
    "{drug} - take with water after meals for {m} days",
]
PROBLEMS = ["Cluster headaches", "Asthma", "Hypertension", "Type 2 diabetes", "Seizures", "Eczema",
            "Back pain", "Arthritis", "Anaemia", "Hypothyroidism", "Insomnia, Asthma"]
ALLERGIES = ["Tree nuts", "Penicillin", "Shellfish", "Latex", "Pollen", "Dust mites", "Eggs",
             "Sulfa drugs", "Bee stings", "Latex, Penicillin"]
REGULAR = ["Sumatriptan", "Ventolin", "Metformin", "Insulin", "Levothyroxine", "Ibuprofen",
           "Vitamin D", "Amlodipine", "Aspirin", "Omeprazole"]
INSURERS = ["Harbourline Assurance Company", "Blue Harbor Health", "Northstar Mutual Insurance",
            "Evergreen Health Plan", "Summit Care Insurance", "Liberty Shield Health",
            "Pioneer Medical Assurance", "Crescent Life and Health", "Atlas Health Cover"]
DATE_FORMATS = ["{d}/{m}/{Y}", "{m}/{d}/{Y}", "{dd}/{mm}/{Y}", "{d}-{m}-{Y}", "{B} {d} {Y}",
                "{d} {B} {Y}", "{b} {d}, {Y}", "{dd}.{mm}.{Y}"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def a_date(rng: random.Random, start: date, end: date, fmt: str | None = None) -> str:
    day = start + timedelta(days=rng.randrange((end - start).days))
    fmt = fmt or rng.choice(DATE_FORMATS)
    month = MONTHS[day.month - 1]
    return fmt.format(d=day.day, m=day.month, dd=f"{day.day:02d}", mm=f"{day.month:02d}",
                      Y=day.year, B=month, b=month[:3])


def phone(rng: random.Random, style: str | None = None) -> str:
    area, exchange, line = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    style = style or rng.choice(["paren", "paren", "dash", "dot"])
    if style == "paren":
        return f"({area}) {exchange}-{line:04d}"
    separator = "-" if style == "dash" else "."
    return f"{area}{separator}{exchange}{separator}{line:04d}"


def street(rng: random.Random) -> str:
    return f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"


def zip_code(rng: random.Random) -> str:
    return f"{rng.randint(1000, 99999):05d}"


def prescription(rng: random.Random) -> tuple[dict, dict]:
    """(what is printed where, ground truth fields) for a prescription."""
    first, last = person(rng)
    doctor_first, doctor_last = person(rng)
    prescriber = rng.choice(["Dr {f} {l}, M.D", "Dr. {f} {l}, MD", "Dr {f} {l}", "Dr. {f} {l}, M.D."])
    prescriber = prescriber.format(f=doctor_first, l=doctor_last)
    city, state, abbr = rng.choice(CITIES)
    address = f"{street(rng)}, {city}, {abbr}"
    if rng.random() < 0.3:
        address = address.lower().replace(abbr.lower(), abbr)
    picks = rng.sample(MEDICINES, rng.randint(1, 3))
    medicines = [f"{name} {rng.choice(doses)} {unit}" for name, doses, unit in picks]
    lines = []
    for name, doses, unit in picks[:2]:
        template = rng.choice(DIRECTIONS)
        lines.append(template.format(drug=name, n=rng.randint(1, 3), m=rng.randint(1, 6),
                                     w=rng.choice(["2", "2.5", "3", "4"]), dose=f"{rng.choice(doses)} {unit}"))
    truth = {
        "prescriber_name": prescriber,
        "patient_name": f"{first} {last}",
        "prescription_date": a_date(rng, date(2018, 1, 1), date(2025, 12, 31)),
        "patient_address": address,
        "medicines": medicines,
        "directions": " ".join(lines),
        "refills": rng.randint(0, 9),
    }
    letterhead = [prescriber, f"{street(rng)},", f"{rng.choice(CITIES)[0]}. Phone {phone(rng, 'dash')}"]
    return {"letterhead": letterhead, "direction_lines": lines}, truth


def patient_details(rng: random.Random) -> tuple[dict, dict]:
    """(what is printed where, ground truth fields) for a patient record."""
    first, last = person(rng)
    contact_first = person(rng)[0]
    contact_last = last if rng.random() < 0.7 else person(rng)[1]
    city, state, _ = rng.choice(CITIES)
    zip_ = zip_code(rng)
    home = [street(rng), f"{city}, {zip_}", "United States"]
    contact = [street(rng), f"{city}, {state}, {zip_}", "United States"]
    insurer_city, insurer_state, _ = rng.choice(CITIES)
    insurer = [street(rng), f"{insurer_city}, {insurer_state}, {zip_code(rng)}"]
    date_format = rng.choice(DATE_FORMATS)
    truth = {
        "record_date": a_date(rng, date(2015, 1, 1), date(2025, 12, 31), date_format),
        "patient_name": f"{first} {last}",
        "birth_date": a_date(rng, date(1930, 1, 1), date(2015, 12, 31)),
        "phone_number": phone(rng),
        "patient_address": ", ".join(home),
        "weight": rng.randint(40, 140),
        "height": rng.randint(140, 205),
        "emergency_contact_name": f"{contact_first} {contact_last}",
        "emergency_contact_phone": phone(rng) if rng.random() < 0.8 else None,
        "emergency_contact_address": ", ".join(contact),
        "chicken_pox": rng.choice(["IMMUNE", "NOT IMMUNE"]),
        "measles": rng.choice(["IMMUNE", "NOT IMMUNE"]),
        "hepatitis_b_vaccination": rng.choice(["Yes", "No"]),
        "medical_problems": rng.choice(PROBLEMS) if rng.random() < 0.9 else None,
        "insurance_company": rng.choice(INSURERS),
        "policy_number": str(rng.randint(10**7, 10**11)),
        "insurance_address": ", ".join(insurer),
        "insurance_expiry_date": a_date(rng, date(2018, 1, 1), date(2030, 12, 31)),
        "has_insurance": rng.choice(["Yes", "No"]),
        "allergies": rng.choice(ALLERGIES) if rng.random() < 0.85 else None,
        "regular_medications": rng.choice(REGULAR) if rng.random() < 0.85 else None,
    }
    return {"home_lines": home, "contact_lines": contact, "insurer_lines": insurer}, truth
