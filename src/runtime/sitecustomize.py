"""Loaded by Python at start-up in Benchtop runs (src/runtime is on PYTHONPATH).

On a terminal Python writes stdout a line at a time: a script printing 200,000
lines makes 200,000 writes through the kernel's tty layer, about twice the time
of the same script redirected to a file. In a Benchtop run, stdout is instead
buffered in blocks and flushed every 50 ms, so output stays live while costing
about what a file does. It is still a terminal (isatty() is True: colours and
progress bars work), input() flushes before it prompts, and anything written to
stderr (a traceback, a progress bar) first flushes stdout, so the order on screen
stays the order the script wrote in.
Set BENCHTOP_STDOUT_BUFFERING=0 to keep Python's line buffering.
"""

import os
import sys


class _StderrAfterStdout:
    """sys.stderr that flushes stdout before each write; everything else is the real stderr."""

    def __init__(self, err, out):
        self._err = err
        self._out = out

    def write(self, text):
        try:
            self._out.flush()
        except Exception:
            pass
        return self._err.write(text)

    def __getattr__(self, name):
        return getattr(self._err, name)


def _block_buffer_stdout():
    stream = sys.stdout
    if stream is None or not hasattr(stream, "reconfigure") or not stream.isatty():
        return
    try:
        stream.reconfigure(line_buffering=False, write_through=False)
    except Exception:
        return
    # _thread rather than threading: it is built in, so runs pay no import time for it.
    import _thread
    import time

    def flush_periodically():
        while True:
            time.sleep(0.05)
            try:
                stream.flush()
            except Exception:
                return

    _thread.start_new_thread(flush_periodically, ())
    if sys.stderr is not None:
        sys.stderr = _StderrAfterStdout(sys.stderr, stream)


if os.environ.get("BENCHTOP_RUN_ID") and os.environ.get("BENCHTOP_STDOUT_BUFFERING", "1") != "0":
    _block_buffer_stdout()


def _forward_mlflow_to_run_socket(socket_path):
    """In a container, MLflow's client reaches the run's tracking endpoint through this process.

    The container cannot reach the host's 127.0.0.1, so the run's supervisor also serves MLflow on
    a Unix socket in the run's folder (which a local engine mounts at the same path). This listens
    on 127.0.0.1:<free port> inside the container, points MLFLOW_TRACKING_URI there (keeping the
    host URI's path), and copies each connection's bytes to and from that socket. Only the C
    modules _socket and _thread are loaded, and one thread waits in accept(): about a millisecond
    for a script that never logs with MLflow.
    """
    import _socket
    import _thread
    import time

    target = socket_path
    if len(socket_path.encode()) > 100:
        # Unix socket paths are limited to ~108 bytes; a folder's fd under /proc makes any path short.
        folder = os.open(os.path.dirname(socket_path), os.O_RDONLY)
        target = "/proc/self/fd/%d/%s" % (folder, os.path.basename(socket_path))
    listener = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    host_uri = os.environ.get("MLFLOW_TRACKING_URI", "")
    after_host = host_uri.split("://", 1)[-1]
    uri_path = after_host[after_host.find("/") :] if "/" in after_host else ""
    os.environ["MLFLOW_TRACKING_URI"] = "http://127.0.0.1:%d%s" % (listener.getsockname()[1], uri_path.rstrip("/"))

    def pump(source, sink, done):
        try:
            while True:
                data = source.recv(262144)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        try:
            sink.shutdown(_socket.SHUT_WR)
        except OSError:
            pass
        # The second direction to finish closes both sockets.
        with done[0]:
            done[1] += 1
            last = done[1] == 2
        if last:
            source.close()
            sink.close()

    def connect(client):
        upstream = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            upstream.connect(target)
        except OSError:
            # The supervisor is gone (the run is ending): the client sees a closed connection.
            upstream.close()
            client.close()
            return
        done = [_thread.allocate_lock(), 0]
        _thread.start_new_thread(pump, (client, upstream, done))
        pump(upstream, client, done)

    def accept_forever():
        while True:
            try:
                fd, _ = listener._accept()
            except OSError:
                time.sleep(0.05)  # out of file descriptors, say: wait rather than spin
                continue
            client = _socket.socket(fileno=fd)
            client.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            _thread.start_new_thread(connect, (client,))

    _thread.start_new_thread(accept_forever, ())


if os.environ.get("BENCHTOP_MLFLOW_SOCKET"):
    try:
        _forward_mlflow_to_run_socket(os.environ["BENCHTOP_MLFLOW_SOCKET"])
    except OSError as error:
        sys.stderr.write("benchtop: MLflow tracking is not available in this container: %s\n" % error)
