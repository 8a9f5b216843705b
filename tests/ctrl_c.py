"""For tests that press Ctrl-C on a child process: the child gets SIGINT as a terminal's foreground job does.

A test run started in the background of a non-interactive shell (`pytest &`, a CI runner's job)
ignores SIGINT, every child inherits that, and Python then installs no KeyboardInterrupt handler:
the child would never see the Ctrl-C the test sends. Placard is right to respect an ignored SIGINT
(a background job is not meant to get Ctrl-C); these tests are about a foreground run.
"""

from __future__ import annotations

import signal


def as_in_a_terminal() -> None:
    """`preexec_fn` for a child that should take Ctrl-C: SIGINT back to its default before exec."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
