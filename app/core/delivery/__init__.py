"""The send path: requests to rows, rules, delivery batches, outcomes, receipts, the sweeper."""
