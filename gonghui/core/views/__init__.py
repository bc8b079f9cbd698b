"""Core's pages: sign-in and account, home, audit log, working-day calendar, error pages."""
