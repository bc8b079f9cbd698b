"""Pages of the aid app: campaigns, applications, payments and donors; hardship files."""
