"""What every domain uses: org scoping and roles, audit, personal data, calendar, money."""
