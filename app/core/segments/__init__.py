"""Segments: the condition vocabulary, rule trees, their SQL, stored segments."""
