"""Export formats of approved records: CSV, JSON Lines and a FHIR R4 Bundle.

Each format module turns an iterable of ApprovedRecord into text pieces, so an
export of any size is written and sent without holding its rows in memory.
"""
