"""CSV contact imports.

mapping  read an upload, guess and check its column mapping
rows     check rows against the mapping, as the API checks a contact
run      create, start, resume and run the chunked, resumable import job
upsert   one set-based upsert of a chunk into contacts, per dialect
"""
