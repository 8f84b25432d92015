"""Reads go through selectors: functions that return querysets or plain values."""
