"""Hardship files (困难职工档案) and golden-autumn student aid (金秋助学), with donors."""
