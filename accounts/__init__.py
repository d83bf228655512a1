"""Accounts, logging in and access tokens (issue 5, item 1)."""
