"""Pure functions that turn stored values into display text and markup."""
