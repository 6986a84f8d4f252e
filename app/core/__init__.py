"""Herald's business rules, without Flask: one sub-package per concern (see each docstring).

Who commits:
- Request-level functions (called by an API or console view, or a CLI command) never
  commit: they add to the caller's session and the view commits once, so a change and
  its audit entry land together or not at all. Work that must follow the commit is
  handed back: send() returns a Sent and redrive_dead() a Redriven, each with an
  enqueue() the view calls after committing (a queue never sees uncommitted ids).
- Job-level functions (delivery batches, the sweeper, the import job, provider receipts
  and webhooks) own their transactions and commit as their work requires.
- Named exception: operators.authenticate() commits the attempt counters before the slow
  password check, so a failed or abandoned sign-in still counts and no connection is held.

Who audits: a core command that changes something takes the `actor` (an operator, an API
key, or the system; see access.audit.Actor) and records the audit entry itself, so a
change is audited the same whichever surface made it.
"""
