"""Every write of proposals: the life cycle, the panel rounds, the batches to the province."""
