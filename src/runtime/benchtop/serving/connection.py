"""One client connection: its parser, the bytes the socket has not taken yet, and its current deadline.

Writes never block the worker: what the socket does not take now waits here (the worker stops reading
from that client meanwhile, so a client that never reads cannot make it buffer more than one answer).
"""

from .http1 import HEAD, RequestParser

# What a connection waits for besides http1's IDLE, HEAD and BODY; each has its own timeout (Worker).
WRITE, LINGER = "write", "linger"


class Connection:
    __slots__ = ("sock", "parser", "out", "phase", "deadline", "events", "continued", "closing", "head_request")

    def __init__(self, sock, max_body):
        self.sock = sock
        self.parser = RequestParser(max_body)
        self.out = []  # memoryviews still to send, in order
        self.phase = HEAD
        self.deadline = 0.0
        self.events = 0  # the selector events registered now
        self.continued = False  # 100 Continue sent for the request being read
        # After this answer: "close" (done), "linger" (an error: read and drop until the client closes).
        self.closing = None
        self.head_request = False  # the request being answered is a HEAD (no body in the answer)

    def send(self, data):
        """Writes what the socket takes now and keeps the rest; True when all of it went out."""
        if not self.out:
            try:
                sent = self.sock.send(data)
            except (BlockingIOError, InterruptedError):
                sent = 0
            if sent == len(data):
                return True
            data = memoryview(data)[sent:]
        self.out.append(data)
        return False

    def flush(self):
        """Sends what is waiting; True when nothing is left. OSError when the client is gone."""
        out = self.out
        while out:
            try:
                sent = self.sock.send(out[0])
            except (BlockingIOError, InterruptedError):
                return False
            if sent < len(out[0]):
                out[0] = memoryview(out[0])[sent:]
                return False
            out.pop(0)
        return True
