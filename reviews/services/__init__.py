"""Writes go through services: functions with keyword arguments, in a transaction."""
