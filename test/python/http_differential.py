"""Differential test of the scoring worker's HTTP parser (benchtop.serving.http1) against h11 0.16.

A grammar-based generator writes request streams, valid and malformed: Content-Length and
Transfer-Encoding combinations, duplicate, signed, underscored and padded lengths, coding lists,
whitespace before the colon, NUL and control bytes, obs-fold, bare LF and bare CR, bad versions and
tokens, chunk extensions, bad chunk sizes, chunk data without its CRLF, trailers, huge heads, pipelining
and truncation. Each stream goes to both parsers (cut into pieces at random points for ours), and they
must agree: both refuse, or both accept the same requests (method, target, version, fields, body) and
end the same way.

h11 is the reference, with the rules where our parser is deliberately stricter (POLICY below) applied
to what h11 parsed. Usage:

  python3 http_differential.py [--count 100000] [--seed 1]   (h11 and benchtop importable)
  python3 http_differential.py live --port P [--count 10000] (sends the streams to a running service and
                                                             checks that every answer is well-formed HTTP)

Prints one JSON line with the counts (and the first disagreements); exits 1 on any disagreement.
"""

import argparse
import json
import multiprocessing
import random
import re
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import h11
import h11._readers
from benchtop.serving.http1 import MAX_HEAD, HttpError, RequestParser

# ---------------------------------------------------------------------------------------------------
# POLICY: where benchtop refuses what h11 0.16 accepts. Each rule is applied to h11's own parse.
#  1. Content-Length together with Transfer-Encoding (RFC 9112 6.1 lets a server refuse; it is how
#     requests are smuggled past a proxy that reads the other one).
#  2. HTTP versions other than 1.0 and 1.1 (h11 takes any digit.digit).
#  3. Transfer-Encoding on an HTTP/1.0 request (RFC 9112 6.1: the framing is faulty).
#  4. Control characters other than HTAB in a field value or trailer (h11 refuses only NUL and whitespace
#     controls; RFC 9110 5.5 lets a recipient refuse them all).
#  5. obs-fold (RFC 9112 5.2 lets a server refuse it; h11 joins the lines).
#  6. A head over 64 KB however it arrives (h11 limits only the incomplete part it buffers, so h11 is fed
#     in 4 KB pieces here and limited to 64 KB, and generated heads stay clear of the 60-75 KB zone).
# ---------------------------------------------------------------------------------------------------
_CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
H11_PIECE = 4096


def _no_obs_fold(lines):
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            raise h11.RemoteProtocolError("obs-fold (policy 5)")
        yield line


h11._readers._obsolete_line_fold = _no_obs_fold


class PolicyRefusal(Exception):
    pass


def _head_policy(request):
    names = [name for name, _ in request.headers]
    if b"content-length" in names and b"transfer-encoding" in names:
        raise PolicyRefusal("policy 1")
    if request.http_version not in (b"1.0", b"1.1"):
        raise PolicyRefusal("policy 2")
    if request.http_version == b"1.0" and b"transfer-encoding" in names:
        raise PolicyRefusal("policy 3")
    _field_policy(request.headers)


def _field_policy(headers):
    if any(_CONTROL.search(value) for _, value in headers):
        raise PolicyRefusal("policy 4")


def run_h11(data):
    """(requests, end) where end is ok, incomplete, closed or error."""
    conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
    requests = []
    current = [None, bytearray()]
    try:
        for start in range(0, len(data), H11_PIECE):  # (receive_data(b"") would mean EOF)
            conn.receive_data(data[start : start + H11_PIECE])
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA:
                    break
                if type(event) is h11.Request:
                    _head_policy(event)
                    current = [event, bytearray()]
                elif type(event) is h11.Data:
                    current[1] += event.data
                elif type(event) is h11.EndOfMessage:
                    _field_policy(event.headers)
                    request = current[0]
                    requests.append(
                        (request.method, request.target, request.http_version, list(request.headers), bytes(current[1]))
                    )
                    # A 404 turns down any Upgrade or CONNECT, so h11 goes on to the next request.
                    conn.send(h11.Response(status_code=404, headers=[("content-length", "0")]))
                    conn.send(h11.EndOfMessage())
                    if conn.their_state is h11.MUST_CLOSE:
                        return requests, "closed"
                    conn.start_next_cycle()
                else:
                    raise AssertionError("unexpected h11 event %r" % (event,))
    except (h11.RemoteProtocolError, PolicyRefusal):
        return requests, "error"
    if conn.their_state is h11.IDLE and not conn.trailing_data[0]:
        return requests, "ok"
    return requests, "incomplete"


def run_ours(data, rng):
    parser = RequestParser(max_body=1 << 100)
    requests = []
    at = 0
    style = rng.random()
    while True:
        if at >= len(data):
            break
        if style < 0.4:
            size = len(data)
        elif style < 0.6:
            size = rng.randint(1, 8)
        else:
            size = rng.randint(1, 5000)
        parser.feed(data[at : at + size])
        at += size
        try:
            while True:
                request = parser.next()
                if request is None:
                    break
                requests.append(
                    (
                        request.method.encode("latin-1"),
                        request.target.encode("latin-1"),
                        request.version.encode("latin-1"),
                        [(n.encode("latin-1"), v.encode("latin-1")) for n, v in request.fields],
                        request.body,
                    )
                )
                if not request.keep_alive:
                    return requests, "closed"
        except HttpError:
            return requests, "error"
    return requests, "ok" if parser.idle else "incomplete"


# ---------------------------------------------------------------------------------------------------
# The generator: a small grammar of HTTP/1.1 requests whose every part has malformed alternatives.
# ---------------------------------------------------------------------------------------------------


class Generator:
    def __init__(self, seed, huge=True):
        self.rng = random.Random(seed)
        self.huge = huge
        self.calm = False

    def pick(self, weighted):
        """weighted: [(weight, value or callable)], the first one always valid HTTP."""
        if self.calm:
            # Half the streams are mostly well-formed, so valid requests and pipelines get exercised too.
            weighted = weighted[:1] + [(w * 0.03, v) for w, v in weighted[1:]]
        total = sum(w for w, _ in weighted)
        x = self.rng.random() * total
        for weight, value in weighted:
            x -= weight
            if x < 0:
                return value() if callable(value) else value
        value = weighted[-1][1]
        return value() if callable(value) else value

    def chance(self, p):
        return self.rng.random() < p

    def corrupt(self, p):
        """A chance of making the stream malformed (smaller in a calm stream)."""
        return self.chance(p * 0.03 if self.calm else p)

    def token(self):
        chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-!#$%&'*+.^_`|~"
        return "".join(self.rng.choice(chars) for _ in range(self.rng.randint(1, 12)))

    def junk_char(self):
        return self.pick(
            [
                (3, lambda: chr(self.rng.randint(0, 31))),
                (1, "\x7f"),
                (2, lambda: chr(self.rng.randint(0x80, 0xFF))),
                (2, lambda: self.rng.choice(' "(),/:;<=>?@[\\]{}')),
            ]
        )

    def mutate(self, text, p=0.5):
        """Inserts or replaces one character with something unusual, with probability p."""
        if not self.chance(p) or not text:
            return text
        i = self.rng.randrange(len(text) + 1)
        if self.chance(0.5):
            return text[:i] + self.junk_char() + text[i:]
        return text[:i] + self.junk_char() + text[i + 1 :]

    def method(self):
        return self.pick(
            [
                (40, "POST"),
                (20, "GET"),
                (6, "HEAD"),
                (3, "OPTIONS"),
                (2, "PUT"),
                (1, "CONNECT"),
                (1, "get"),
                (2, self.token),
                (3, lambda: self.mutate(self.rng.choice(["GET", "POST", "HEAD"]), 1)),
                (1, ""),
            ]
        )

    def target(self):
        return self.pick(
            [
                (40, "/score"),
                (15, "/"),
                (5, "/score?data=[1,2]&x=%20"),
                (3, "/swagger.json?version=3"),
                (2, "*"),
                (2, "http://127.0.0.1:5001/score"),
                (2, "/%"),
                (1, lambda: "/" + "a" * self.rng.randint(1, 3000)),
                (5, lambda: self.mutate("/score?q=1", 1)),
                (1, ""),
            ]
        )

    def version(self):
        return self.pick(
            [
                (80, "HTTP/1.1"),
                (8, "HTTP/1.0"),
                (2, "HTTP/2.0"),
                (1, "HTTP/0.9"),
                (1, "HTTP/1.10"),
                (1, "HTTP/1"),
                (1, "http/1.1"),
                (1, "HTTP/1.1 "),
                (1, "HTTP /1.1"),
                (1, lambda: self.mutate("HTTP/1.1", 1)),
            ]
        )

    def eol(self):
        return self.pick([(90, "\r\n"), (6, "\n"), (1, "\r"), (1, "\r\r\n"), (1, "\n\r"), (1, " \r\n")])

    def sep(self):
        return self.pick([(95, " "), (2, "  "), (2, "\t"), (1, "")])

    def field_name(self):
        return self.pick(
            [
                (30, lambda: self.rng.choice(["Content-Type", "Accept", "User-Agent", "X-Custom", "Authorization"])),
                (10, self.token),
                (2, lambda: self.rng.choice(["Host ", " Host", "Ho st", "Host\t", "X(y)", "X/y", "X@y", "", "Höst"])),
                (4, lambda: self.mutate("X-Field", 1)),
            ]
        )

    def field_value(self):
        return self.pick(
            [
                (30, lambda: self.rng.choice(["application/json", "*/*", "curl/8.0", "yes", "a b  c", "x\ty"])),
                (5, ""),
                (5, lambda: self.rng.choice([" padded ", "\tt\t", "  "])),
                (8, lambda: self.mutate("some value", 1)),
                (2, lambda: "v" * self.rng.randint(100, 4000)),
            ]
        )

    def field(self, name, value):
        return name + self.pick([(95, ": "), (3, ":"), (1, " : "), (1, ":\t")]) + value

    def length_value(self, n):
        s = str(n)
        return self.pick(
            [
                (80, s),
                (2, "+" + s),
                (2, "-" + s),
                (2, s + "_0"),
                (2, " " + s + " "),
                (1, "0x%x" % n),
                (1, s + ".0"),
                (2, s + ", " + s),
                (1, s + "," + s),
                (2, s + ", " + str(n + 1)),
                (1, ""),
                (1, "00" + s),
                (1, "9" * 21),
                (1, s + ","),
                (1, lambda: self.mutate(s, 1)),
            ]
        )

    def coding(self):
        return self.pick(
            [
                (70, "chunked"),
                (3, "Chunked"),
                (2, "CHUNKED"),
                (2, "chunked, chunked"),
                (3, "gzip, chunked"),
                (2, "chunked, gzip"),
                (2, "identity"),
                (1, "gzip"),
                (1, "chunked;q=1"),
                (1, ""),
                (2, lambda: self.mutate("chunked", 1)),
            ]
        )

    def chunk_size(self, n):
        h = "%x" % n
        return self.pick(
            [
                (70, h),
                (5, h.upper()),
                (3, "000" + h),
                (2, "-" + h),
                (1, "-6"),
                (1, "0x" + h),
                (1, "+" + h),
                (2, " " + h),
                (2, h + " "),
                (1, h + "\t"),
                (1, "1" * 21),
                (1, "g"),
                (1, ""),
                (2, lambda: self.mutate(h, 1)),
            ]
        )

    def chunk_ext(self):
        return self.pick(
            [
                (85, ""),
                (4, ";a=b"),
                (2, ";"),
                (2, "; a"),
                (1, " ;a"),
                (1, ";a\x00b"),
                (1, ";a\nb"),
                (1, ";" + "e" * 2000),
                (2, lambda: self.mutate(";ext=1", 1)),
            ]
        )

    def chunked_body(self, data):
        out = []
        pos = 0
        while pos < len(data):
            n = min(len(data) - pos, self.pick([(5, 1), (5, lambda: self.rng.randint(1, 20)), (2, 500)]))
            declared = n if not self.corrupt(0.03) else max(0, n + self.rng.choice([-1, 1]))
            out.append(self.chunk_size(declared) + self.chunk_ext() + self.pick([(97, "\r\n"), (2, "\n"), (1, "\r")]))
            out.append(data[pos : pos + n])
            out.append(self.pick([(94, "\r\n"), (2, ""), (2, "\n"), (1, "\r"), (1, "xx")]))
            pos += n
        out.append(self.pick([(90, "0"), (3, "000"), (3, "0;ext"), (2, "0 "), (1, "0\t")]) + "\r\n")
        trailers = self.pick(
            [
                (80, []),
                (8, ["X-Trailer: yes"]),
                (2, ["Content-Length: 5"]),
                (2, ["Transfer-Encoding: gzip"]),
                (2, ["X: a\x01b"]),
                (2, ["X: a", " folded"]),
                (2, lambda: [self.mutate("X-T: v", 1)]),
            ]
        )
        eol = self.pick([(95, "\r\n"), (5, "\n")])
        out.append("".join(t + eol for t in trailers))
        out.append(self.pick([(94, "\r\n"), (3, "\n"), (3, "")]))
        return "".join(out)

    def body_data(self):
        return self.pick(
            [
                (60, '{"data": [1, 2, 3]}'),
                (10, ""),
                (10, lambda: "".join(self.rng.choice("ab\r\n0;") for _ in range(self.rng.randint(1, 60)))),
                (5, "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"),
                (2, lambda: "x" * self.rng.randint(1000, 20000)),
            ]
        )

    def request(self):
        version = self.version()
        lines = [self.method() + self.sep() + self.target() + self.sep() + version]
        host = self.pick([(92, 1), (5, 0), (3, 2)])
        fields = [self.field("Host", self.pick([(95, "127.0.0.1:5001"), (5, "")])) for _ in range(host)]
        for _ in range(self.pick([(50, 1), (30, 2), (15, 4), (5, 8)])):
            fields.append(self.field(self.field_name(), self.field_value()))
        if self.chance(0.05):
            fields.append(
                self.field("Connection", self.rng.choice(["close", "keep-alive", "keep-alive, close", "Close"]))
            )
        if self.chance(0.03):
            fields.append(self.field("Expect", "100-continue"))
        if self.chance(0.01):
            fields += ["Connection: upgrade", "Upgrade: websocket"]
        if self.corrupt(0.03):
            fields.insert(self.rng.randrange(len(fields) + 1), self.pick([(3, " folded"), (1, "\tfolded")]))
        if self.huge and self.chance(0.004):
            size = self.pick([(1, lambda: self.rng.randint(1000, 59000)), (1, lambda: self.rng.randint(76000, 110000))])
            fields.append("X-Huge: " + "h" * size)
        if self.huge and self.chance(0.001):
            fields += ["X-Many-%d: %d" % (i, i) for i in range(self.rng.choice([300, 6000]))]
        data = self.body_data()
        framing = self.rng.choice(["none", "length", "length", "chunked"])
        if self.corrupt(0.07):
            framing = self.rng.choice(["both", "double"])
        if framing in ("length", "both", "double"):
            n = len(data) if not self.corrupt(0.1) else max(0, len(data) + self.rng.choice([-3, -1, 1, 5]))
            fields.append(self.field("Content-Length", self.length_value(n)))
            if framing == "double":
                fields.append(self.field("Content-Length", str(n if self.chance(0.5) else n + 1)))
        if framing in ("chunked", "both"):
            fields.append(self.field("Transfer-Encoding", self.coding()))
            if self.corrupt(0.03):
                fields.append(self.field("Transfer-Encoding", "chunked"))
        self.rng.shuffle(fields)
        eol = self.eol() if self.corrupt(0.1) else "\r\n"
        head = "".join(line + (self.eol() if self.corrupt(0.02) else eol) for line in lines + fields) + eol
        if framing == "none":
            body = data if self.corrupt(0.1) else ""
        elif framing in ("chunked",) or (framing == "both" and self.chance(0.5)):
            body = self.chunked_body(data)
        else:
            body = data
        return head + body

    def stream(self):
        self.calm = self.chance(0.5)
        text = "".join(self.request() for _ in range(self.rng.choice([1, 1, 1, 2, 3, 5])))
        text = self.pick(
            [
                (90, text),
                (3, lambda: "\r\n" + text),
                (2, lambda: "\x16\x03\x01\x00\xa5\x01\x00\x00" + text),
                (1, ""),
                (4, lambda: text[: self.rng.randrange(len(text) + 1)]),
            ]
        )
        return text.encode("latin-1")


def _differential_part(part):
    seed, count = part
    generator = Generator(seed)
    rng = random.Random(seed + 1)
    disagreements = []
    requests = 0
    ends = {}
    for index in range(count):
        data = generator.stream()
        ours = run_ours(data, rng)
        theirs = run_h11(data)
        if ours == theirs:
            # Again: the heads are now in the parser's cache of parsed heads, and must read the same from it.
            ours = run_ours(data, rng)
        ends[theirs[1]] = ends.get(theirs[1], 0) + 1
        requests += len(theirs[0]) + (theirs[1] == "error")
        if ours != theirs:
            disagreements.append(
                {
                    "seed": seed,
                    "case": index,
                    "stream": data[:600].decode("latin-1"),
                    "ours": _show(ours),
                    "h11": _show(theirs),
                }
            )
    return requests, ends, disagreements


def differential(count, seed, show, jobs):
    """count streams, split over jobs processes (each with its own seed)."""
    started = time.time()
    parts = [(seed * 1000 + job, count // jobs + (job < count % jobs)) for job in range(jobs)]
    if jobs > 1:
        with multiprocessing.Pool(jobs) as pool:
            results = pool.map(_differential_part, parts)
    else:
        results = [_differential_part(parts[0])]
    ends = {}
    for _, part_ends, _ in results:
        for end, n in part_ends.items():
            ends[end] = ends.get(end, 0) + n
    disagreements = [d for _, _, found in results for d in found]
    result = {
        "streams": count,
        "requests": sum(r[0] for r in results),
        "h11_ends": ends,
        "disagreements": len(disagreements),
        "first": disagreements[:show],
        "seconds": round(time.time() - started, 1),
    }
    print(json.dumps(result))
    return not disagreements


def _show(outcome):
    requests, end = outcome
    return {"end": end, "requests": [repr(r)[:400] for r in requests]}


# ---------------------------------------------------------------------------------------------------
# Live: the same streams against a running service. Every byte that comes back must be well-formed
# HTTP/1.1 answers, one per request h11 read (HEAD answers without a body), plus at most one error
# answer (4xx/5xx with Connection: close) where the stream went wrong.
# ---------------------------------------------------------------------------------------------------
_STATUS_LINE = re.compile(rb"HTTP/1\.1 ([1-5][0-9][0-9]) [\x20-\x7e]*\r\n")
_ANSWER_FIELD = re.compile(rb"([-!#$%&'*+.^_`|~0-9a-zA-Z]+): ([\t\x20-\x7e\x80-\xff]*)\r\n")


def check_answers(data, expected):
    """None when data is well-formed answers to the requests h11 read from the stream, else why not."""
    requests, end = expected
    heads = [r[0] == b"HEAD" for r in requests]
    answers = []
    pos = 0
    while pos < len(data):
        status = _STATUS_LINE.match(data, pos)
        if status is None:
            return "bad status line at %d: %r" % (pos, data[pos : pos + 80])
        pos = status.end()
        fields = {}
        while not data.startswith(b"\r\n", pos):
            field = _ANSWER_FIELD.match(data, pos)
            if field is None:
                return "bad field line at %d: %r" % (pos, data[pos : pos + 80])
            name = field.group(1).lower()
            if name in fields:
                return "repeated field %r" % name
            fields[name] = field.group(2)
            pos = field.end()
        pos += 2
        code = int(status.group(1))
        if code == 100:
            continue
        is_head = len(answers) < len(heads) and heads[len(answers)]
        if code not in (204, 304) and not is_head:
            if not re.fullmatch(rb"[0-9]+", fields.get(b"content-length", b"")):
                return "answer %d without a Content-Length" % code
            length = int(fields[b"content-length"])
            if len(data) - pos < length:
                return "answer %d cut short" % code
            pos += length
        answers.append((code, fields.get(b"connection", b"")))
    if len(answers) < len(requests) or len(answers) > len(requests) + 1:
        return "%d answers to %d requests (h11 end: %s)" % (len(answers), len(requests), end)
    if len(answers) == len(requests) + 1 and (answers[-1][0] < 400 or answers[-1][1] != b"close"):
        return "the extra answer is %d without Connection: close" % answers[-1][0]
    if end == "error" and len(answers) == len(requests):
        return "a stream h11 refuses got no error answer"
    return None


def _exchange(port, data, timeout):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    received = bytearray()
    try:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused early and closed; what it answered is still to be read
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return bytes(received), None
            received += chunk
    except socket.timeout:
        return bytes(received), "no close within %g s" % timeout
    except ConnectionResetError:
        return bytes(received), None if received else "reset before any answer"
    finally:
        sock.close()


def live(port, count, seed, show, jobs=4):
    started = time.time()
    generator = Generator(seed, huge=True)
    streams = [generator.stream() for _ in range(count)]
    problems = []
    answered = [0]

    def one(index):
        data = streams[index]
        expected = run_h11(data)
        received, problem = _exchange(port, data, 10.0)
        problem = problem or check_answers(received, expected)
        answered[0] += 1
        if problem:
            problems.append(
                {
                    "case": index,
                    "problem": problem,
                    "stream": data[:400].decode("latin-1"),
                    "answers": received[:400].decode("latin-1"),
                }
            )

    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, range(count)))
    requests = sum(len(run_h11(s)[0]) + 1 for s in streams)
    print(
        json.dumps(
            {
                "streams": count,
                "requests": requests,
                "problems": len(problems),
                "first": problems[:show],
                "seconds": round(time.time() - started, 1),
            }
        )
    )
    return not problems


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", nargs="?", default="differential", choices=["differential", "live"])
    parser.add_argument("--count", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    if args.mode == "differential":
        sys.exit(0 if differential(args.count, args.seed, args.show, args.jobs) else 1)
    sys.exit(0 if live(args.port, args.count, args.seed, args.show) else 1)
