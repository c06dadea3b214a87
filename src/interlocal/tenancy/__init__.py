"""Tenancy: consortia, members, people's roles, and the one scoping mechanism every app uses."""
