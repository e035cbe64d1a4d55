"""citeproc-js (npm, installed by make install), the bridge the archive runs it with, and the
CSL styles and locale the archive ships: data for archive/citeproc_js.py and archive/styles.py."""
