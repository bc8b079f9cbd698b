"""Pages of proposals: the worker's and the staff's proposal pages, rounds, batches and figures
(`proposals`); the staff's reward-tier table and filing on a worker's behalf (`staff`)."""
