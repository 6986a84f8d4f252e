"""The demo workspace: a realistic install to explore on the first run (seed.py), marked
row by row in `demo_rows` so that one command takes it all away again (remove.py)."""
