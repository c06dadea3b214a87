"""Service taxonomy: the one catalogue of municipal service areas, their synonyms and term mapping."""
