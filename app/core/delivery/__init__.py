"""The send path, from a request to what the provider reported.

send         the one entry: idempotency, then dispatch (API and console test send)
dispatch     a request becomes notification rows: expand, render, apply the rules, write
rules        suppressions, preferences, quiet hours and rate limits, checked before sending
idempotency  Idempotency-Key and event-id claims and stored responses
transitions  the status vocabulary's allowed moves; every status change and its history
deliver      a worker's batch: claim, send through the providers, record
drain        a channel worker's loop over the channel's due ids, a batch at a time
outcomes     what providers answered: sent, retrying with backoff, failed, dead
receipts     what providers reported later (neutral receipts), and SMS keywords
webhooks     webhook event ids applied once
sweeper      release held and retrying rows, re-queue what a crash left behind
log          reading the notification log
"""
