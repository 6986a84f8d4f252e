"""Templates, their versions, and rendering under a budget.

store        templates and versions: create, save a draft, publish (immutable), roll back
commands     the store's changes as the console and the API run them, audited
content      what content may hold per channel, and the checks on save and publish
rendering    render content per channel and locale, within its limits
budget       the budget every render runs under (clock, loop steps, sizes)
environment  the sandboxed Jinja environment whose hooks charge the budget
filters      Jinja's filters, tests and globals, each bounded
sizes        what an operation would build, estimated before it runs
html_text    the text/plain part of an email (laid out, or plain for large HTML), links kept
preview      a template as a recipient would get it
diff         two versions compared field by field
"""
