"""The JSON API: one NinjaAPI that assembles each domain app's `api.py` router."""
