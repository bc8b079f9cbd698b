"""Roster (会员花名册) import and export: read the union's own layout, check every row, write
all or nothing, and export members as .xlsx streamed to disk."""
