"""Every write of the aid app: `hardship` (files), `autumn` (campaigns, applications,
awards), `payments` (batches, reversals, donors)."""
