"""`wolkenkaart` that SIGKILLs itself at a chosen moment of publishing (for the crash tests).

    python killer.py EVENT wolkenkaart-args…

Events are numbered from the moment `WorkCopy.publish` is entered: 0 = entering publish,
1, 2, … = the n-th `os.replace` from then on (killed just before it happens). EVENT -1
never kills. Deterministic, unlike a kill from outside at a point in time.
"""

from __future__ import annotations

import os
import signal
import sys


def arm(event: int) -> None:
    from wolkenkaart import warehouse

    seen = {"publishing": False, "n": 0}
    real_replace, real_publish = os.replace, warehouse.WorkCopy.publish

    def tick():
        if seen["n"] == event:
            os.kill(os.getpid(), signal.SIGKILL)
        seen["n"] += 1

    def replace(*args, **kwargs):
        if seen["publishing"]:
            tick()
        return real_replace(*args, **kwargs)

    def publish(self):
        seen["publishing"] = True
        tick()
        return real_publish(self)

    os.replace = replace
    warehouse.WorkCopy.publish = publish


if __name__ == "__main__":
    arm(int(sys.argv[1]))
    from wolkenkaart.cli import cli

    cli(sys.argv[2:], prog_name="wolkenkaart")
