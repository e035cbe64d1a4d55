"""archive: a searchable archive of journal articles."""
