"""Segments: rule trees over contacts, compiled to one SQL condition.

vocabulary  the fields a condition may name, their operators and operands
rules       the rule tree and its validation
sql         the compiler from a rule tree to SQL
dialects    reading JSON attributes on PostgreSQL and SQLite
store       stored segments: create, update, count, sample
"""
