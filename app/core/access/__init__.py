"""Who may do what, and the record of what they did.

operators     console operators: password hashes, sign-in, invitations, roles
login_limits  sign-in attempts per IP (Redis) and per account, counted before verifying
api_keys      API keys: creation, bearer authentication, scopes, revocation
audit         the audit log: every change with its actor (operator, API key or system)
"""
