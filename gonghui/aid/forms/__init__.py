"""Forms of the aid pages."""
