"""Where the workers accept connections, and how a worker tells the main process it is ready.

By default all workers accept on one shared listening socket: whichever worker is idle takes the
next connection. BENCHTOP_SERVICE_REUSEPORT=1 (Linux only: on macOS SO_REUSEPORT lets the last
socket bound take every connection) gives each worker its own socket bound with SO_REUSEPORT to
the same host:port, so the kernel hands each connection to one worker and no worker wakes for a
connection another one takes (the shared accept's thundering herd). Measured on 2 cores it did
not help (`Connection: close` with a trivial score.py: within noise; with a run() that waits
5 ms: 22% fewer requests/s, p90 twice as long, because a connection hashed to a busy worker waits
while the other is idle), so it is off by default; it stays for measuring on many-core machines.
Another cost: connections queued on a dead worker's own socket are reset when it is dropped.
"""

import array
import errno
import os
import socket
import sys

BACKLOG = 1024
_FD_SIZE = array.array("i").itemsize


class PortError(Exception):
    """The port cannot be served; the message says why (the server exits with code 2)."""


def reuseport_wanted():
    if os.environ.get("BENCHTOP_SERVICE_REUSEPORT", "0") != "1":
        return False
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _port_error(port, err):
    if err.errno == errno.EADDRINUSE:
        return PortError("Port %d is already in use." % port)
    return PortError("Port %d cannot be used (%s)." % (port, err.strerror))


def _bound(host, port, reuseport):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # TIME_WAIT connections left by a previous server on this port are no clash.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuseport:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise _port_error(port, err)
    return sock


def _listening(sock, port):
    try:
        sock.listen(BACKLOG)
    except OSError as err:
        sock.close()
        raise _port_error(port, err)
    return sock


def open_reuseport(host, port):
    """One more listening socket in the port's SO_REUSEPORT group (a worker that replaces a dead one opens its own)."""
    return _listening(_bound(host, port, True), port)


class Listeners:
    """The sockets the first workers accept on: one shared by all, or one per worker with SO_REUSEPORT."""

    def __init__(self, host, port, count):
        # A bind without SO_REUSEPORT fails against any listening socket, another Benchtop service's included
        # (with SO_REUSEPORT on both, a second service by the same user would silently share the port).
        probe = _bound(host, port, False)
        self.reuseport = reuseport_wanted()
        if not self.reuseport:
            self.shared = _listening(probe, port)
            self.initial = [self.shared] * count
            return
        probe.close()
        self.shared = None
        self.initial = []
        try:
            for _ in range(count):
                self.initial.append(open_reuseport(host, port))
            if _foreign_listeners(host, port, self.initial):
                raise PortError("Port %d is already in use." % port)
        except PortError:
            for sock in self.initial:
                sock.close()
            raise


def _foreign_listeners(host, port, own):
    """Linux: sockets listening on host:port that are not ours. Two services started at the same instant can
    both pass the probe before either listens, then share the port through SO_REUSEPORT; this catches it."""
    mine = set(os.fstat(sock.fileno()).st_ino for sock in own)
    ours = socket.inet_aton(host)[::-1].hex().upper() if host else "00000000"
    found = 0
    for table, wildcard in (("/proc/net/tcp", "00000000"), ("/proc/net/tcp6", "0" * 32)):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) < 10 or fields[3] != "0A":  # 0A: LISTEN
                continue
            address, _, hex_port = fields[1].partition(":")
            if int(hex_port, 16) != port or int(fields[9]) in mine:
                continue
            if address in (ours, wildcard) or ours == "00000000":
                found += 1
    return found


def send_ready(channel, opened=None):
    """The worker serves: says so to the main process, passing the listening socket it opened itself (if any)."""
    ancillary = []
    if opened is not None:
        ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [opened.fileno()]))]
    try:
        channel.sendmsg([b"R"], ancillary, getattr(socket, "MSG_NOSIGNAL", 0))
    except OSError:
        # The main process is gone or stopped listening for us: serving matters more than telling it.
        pass
    channel.close()


def receive_ready(channel):
    """('ready', passed socket or None), ('closed', None) when the worker ended without being ready,
    or (None, None) while nothing has arrived."""
    try:
        data, ancillary, _, _ = channel.recvmsg(1, socket.CMSG_SPACE(_FD_SIZE))
    except (BlockingIOError, InterruptedError):
        return None, None
    except OSError:
        return "closed", None
    passed = None
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS and len(payload) >= _FD_SIZE:
            fd = array.array("i", payload[:_FD_SIZE])[0]
            passed = socket.socket(fileno=fd)
    if data == b"R":
        return "ready", passed
    if passed is not None:
        passed.close()
    return "closed", None
