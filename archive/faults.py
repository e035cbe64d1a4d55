"""Named points where a reindex can be made to fail on purpose, so that tests (and anyone
checking the archive's claims) can show that no failure there loses or mixes up the index."""

from __future__ import annotations

import errno
import os
import signal

# parsed: after the first parsed file went to the writer; segments: a commit's segments are
# written, its table of contents not yet signed; before-toc: signed, not yet in place; after-toc:
# in place, the marker not yet updated.
FAULT_POINTS = ("parsed", "segments", "before-toc", "after-toc")


def fault(point: str) -> None:
    """Fail at a named point of a commit when ARCHIVE_FAULT asks for it (tests only):
    'before-toc:exit' ends the process at once, 'before-toc:stop' stops it (for a test to kill),
    'before-toc:enospc' raises "No space left on device"."""
    wanted = os.environ.get("ARCHIVE_FAULT")
    if not wanted or wanted.partition(":")[0] != point:
        return
    action = wanted.partition(":")[2]
    if action == "exit":
        os._exit(70)
    if action == "stop":
        os.kill(os.getpid(), signal.SIGSTOP)
        return
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
