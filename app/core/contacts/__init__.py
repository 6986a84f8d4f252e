"""Contacts and what hangs off them: devices, categories, preferences, search, profile."""
