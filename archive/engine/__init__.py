"""The search engine: the only package that knows Whoosh.

Articles go in as documents (documents.py, written by writing.py into the folder folder.py
guards), queries come out as numbers of matching documents with
scores, facet counts and sort keys (matching.py, shaping.py), and stored fields. Everything else
in the archive holds engine objects (an IndexHandle, a Query, Matches) without looking inside them.
"""
