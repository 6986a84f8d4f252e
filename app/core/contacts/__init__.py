"""Contacts and what hangs off them.

fields       the rules for contact fields, shared by the API and CSV imports
store        contacts: set-based upsert, partial update, listing, erasure
devices      push devices: token and web-push endpoint checks, registration
categories   categories of messages and their delivery rules
preferences  opt-in/out per category and channel
suppressions addresses never sent to: list, add, remove (audited)
search       the console's contact search, compiled to one indexed SELECT
profile      one contact in full, for the contact page
"""
