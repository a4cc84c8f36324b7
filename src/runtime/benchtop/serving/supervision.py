"""Restart policy and health of the worker slots (no processes here: the main process feeds it events).

A slot is one of the --workers places. A worker that dies is replaced; one that keeps dying is
restarted later and later (0.1 s, doubling to 10 s) so a crash loop costs nothing, and the delay
starts over once a worker has served for STABLE_S. The service reads `running` when every slot
serves, `degraded` when some slot is down or keeps restarting, `failed` when none serves and
every slot has failed FAILED_AFTER times in a row.
"""

import collections
import os
import signal

FIRST_DELAY_S = 0.1
MAX_DELAY_S = 10.0
STABLE_S = 5.0
WINDOW_S = 60.0
FAILED_AFTER = 3

_EXIT_MEANINGS = {
    3: "init() failed",
    4: "the entry script cannot be served",
    5: "it could not listen on the port",
}


def describe_exit(pid, status, was_ready):
    """`worker 1234 was killed by signal 9 (SIGKILL)`, `worker 1234 exited with code 3 (init() failed) before it was ready`."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "unknown"
        text = "worker %d was killed by signal %d (%s)" % (pid, number, name)
    else:
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
        meaning = _EXIT_MEANINGS.get(code)
        text = "worker %d exited with code %d%s" % (pid, code, " (%s)" % meaning if meaning else "")
    return text if was_ready else text + " before it was ready"


def ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return "%d%s" % (n, suffix)


class Slot:
    """One worker's place: its recent deaths decide how long to wait before starting the next worker."""

    def __init__(self, index):
        self.index = index
        self.failures = 0  # deaths in a row with less than STABLE_S of serving in between
        self.deaths = collections.deque()  # when, for the "Nth restart in 60 s" count
        self.reason = None  # while down: the last death and when the next start is due
        self.last_death = None  # once a replacement serves: the last death, while the crash loop lasts
        self.next_start = None  # monotonic time the replacement is due

    def died(self, now, ready_at, description):
        """Records a death; returns the delay before the replacement starts."""
        if ready_at is not None and now - ready_at >= STABLE_S:
            self.failures = 0
        self.failures += 1
        self.deaths.append(now)
        while self.deaths and now - self.deaths[0] > WINDOW_S:
            self.deaths.popleft()
        delay = min(FIRST_DELAY_S * 2 ** (self.failures - 1), MAX_DELAY_S)
        self.next_start = now + delay
        self.last_death = "%s (%s restart in %d s)" % (description, ordinal(len(self.deaths)), WINDOW_S)
        self.reason = "%s; restarting in %g s (%s restart in %d s)" % (
            description,
            round(delay, 1),
            ordinal(len(self.deaths)),
            WINDOW_S,
        )
        return delay

    def settle(self, now, ready_at):
        """The slot's worker has been serving since ready_at: after STABLE_S the crash loop is over."""
        if self.failures and ready_at is not None and now - ready_at >= STABLE_S:
            self.failures = 0
            self.reason = self.last_death = None

    def reset(self):
        """A reload starts new code: its workers get a fresh start."""
        self.failures = 0
        self.deaths.clear()
        self.reason = self.last_death = None
        self.next_start = None

    @property
    def crash_looping(self):
        return self.failures >= 2


def health(slots, serving):
    """(state, reason) of the service from its slots and the set of slot indexes with a serving worker."""
    down = [s for s in slots if s.index not in serving]
    looping = [s for s in slots if s.index in serving and s.crash_looping]
    if not down and not looping:
        return "running", None
    reasons = "; ".join([s.reason for s in down if s.reason] + [s.last_death for s in looping if s.last_death])
    if not serving and all(s.failures >= FAILED_AFTER for s in slots):
        return "failed", "No worker is serving: %s." % reasons
    count = "%d of %d worker%s serving" % (len(serving), len(slots), "" if len(slots) == 1 else "s")
    if not down:
        return "degraded", "%s, but workers keep dying: %s." % (count, reasons)
    return "degraded", "%s: %s." % (count, reasons or "a worker is starting")
