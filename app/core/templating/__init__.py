"""Templating: the sandboxed Jinja environment and the budget every render runs under.

budget.py      the Budget (clock, loop steps, sizes) and the limits from configuration
environment.py the environment whose hooks charge the budget, and the compile cache
filters.py     Jinja's filters, tests and globals, each bounded
sizes.py       what an operation would build, estimated before it runs
"""
