"""Accounts: people, sign-in, invitations, MFA policy, session rules and API tokens."""
