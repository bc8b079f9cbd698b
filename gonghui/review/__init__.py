"""Approval chains: the ONE mechanism by which every program approves something (R5, R7).
Public notice and objections (R6) come next, on the same cases."""
