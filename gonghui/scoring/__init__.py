"""Scoring: the ONE mechanism by which Gonghui judges anything (rubrics, marks, ranks, prizes)."""
