"""Who may do what: console operators, API keys, and the audit log of their changes."""
