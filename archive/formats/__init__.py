"""Source formats: each turns one kind of corpus file into HTML for the structural walk, plus the
metadata its publishing tool states (Markdown dialects, web pages)."""
