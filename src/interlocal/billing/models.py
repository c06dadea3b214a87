"""Chargeback billing: runs, invoices, credit notes, payments and benefits (to be filled in)."""
