"""webpush simulator (to be written)."""
routes: list = []
