"""Interlocal's date and time formats (Django's FORMAT_MODULE_PATH), one per language."""
