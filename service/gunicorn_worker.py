"""gunicorn's gthread worker, made safe against slow and idle clients.

gthread hands a connection to a thread as soon as its first byte arrives, and the
thread then reads the rest of the request head with a blocking socket and no deadline:
four connections that send one byte (or trickle the head, or never send anything for
gthread's five-second wait) hold all four threads, and /healthz stops answering.
gunicorn 27.0.1 has no setting for a head-read timeout. It also closes connections
in its event loop with a blocking two-second linger (`util.close_graceful`), so
clients that never close their side stall every connection of the worker, and it
dies on EMFILE in accept().

This worker keeps gthread's threads and request handling and changes what happens
around them, in the event loop, where a waiting connection costs a descriptor and not
a thread:

- a thread gets a connection only once its whole request head is buffered (read with
  non-blocking `recv` as the poller reports bytes), and only if the client is reading
  what it was sent before; a head not complete within REQUEST_HEAD_TIMEOUT is closed;
- a thread's own socket reads and writes time out after SOCKET_TIMEOUT;
- a request carrying a body is answered with `Connection: close` instead of having its
  body drained in the thread (the API reads no request body): a slow body holds no
  thread, and a malformed chunked body is never parsed after the response, which is
  what made gunicorn write a second response (its 400) on the same connection;
- a closing connection lingers (RFC 9112 section 9.6) in the poller, without blocking it;
- out of descriptors (EMFILE) in accept(), the oldest idle connection is closed to make
  room, or accepting pauses briefly when none is idle: connections are shed, not the
  worker.

Plain HTTP/1.x only: TLS and HTTP/2 end at the proxy or load balancer in front.
"""

import errno
import select
import selectors
import socket
import struct
import time
from collections import deque
from functools import partial

from gunicorn.http.body import ChunkedReader, LengthReader
from gunicorn.http.errors import ParseException
from gunicorn.http.message import DEFAULT_MAX_HEADERFIELD_SIZE, MAX_HEADERS, MAX_REQUEST_LINE
from gunicorn.workers.gthread import STOP_KEEPALIVE_LINGER, TConn, ThreadWorker

# Whole request head, from its first byte (or from accept): nginx's client_header_timeout
# is 60 s; far less is enough for a head of a few hundred bytes, and the sooner a slow
# connection is closed, the sooner its descriptor serves someone else.
REQUEST_HEAD_TIMEOUT = 10.0
# A thread's blocking send() or recv() that makes no progress for this long fails.
SOCKET_TIMEOUT = 5  # gunicorn's own wait for request data (DEFAULT_WORKER_DATA_TIMEOUT)
_SOCKET_TIMEOUT_TIMEVAL = struct.pack("@ll", SOCKET_TIMEOUT, 0)
# gunicorn's close_graceful: how long, and how much, a closing connection is drained.
CLOSE_LINGER_SECONDS = 2.0
CLOSE_LINGER_BYTES = 65536
# With no idle connection to shed, how long accept() rests after EMFILE.
ACCEPT_PAUSE_SECONDS = 0.5
DESCRIPTOR_WARNING_INTERVAL = 10.0
RECEIVE_SIZE = 8192  # as gunicorn's parser reads

_OUT_OF_DESCRIPTORS = frozenset((errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM))
_NOTHING_TO_ACCEPT = frozenset((errno.EAGAIN, errno.EWOULDBLOCK, errno.ECONNABORTED))


def head_is_decided(received: bytearray, searched_before: int) -> bool:
    """Whether gunicorn's parser can answer from `received` without reading more: the
    head has ended, or holds a bare LF (which the parser refuses at once). Only the new
    bytes, from `searched_before`, are searched: a head trickled byte by byte costs
    linear time."""
    if received.find(b"\r\n\r\n", max(0, searched_before - 3)) >= 0:
        return True
    # A bare LF: an LF among the new bytes that is not the end of a CRLF.
    return received.count(b"\n", searched_before) != received.count(
        b"\r\n", max(0, searched_before - 1)
    )


def head_limit(cfg) -> int:
    """The most head bytes gunicorn's parser reads before refusing a request (431/414);
    its own rules for each limit's 0 or out-of-range value. Past this, a thread can
    answer without reading more."""
    line = cfg.limit_request_line if 0 < cfg.limit_request_line < MAX_REQUEST_LINE else None
    line = line or (1024 * 1024 if cfg.limit_request_line == 0 else MAX_REQUEST_LINE)
    fields = cfg.limit_request_fields
    fields = fields if 0 < fields <= MAX_HEADERS else MAX_HEADERS
    field = cfg.limit_request_field_size
    field = field if field > 0 else DEFAULT_MAX_HEADERFIELD_SIZE
    return line + 2 + fields * (field + 2) + 4


def declares_body(request) -> bool:
    reader = request.body.reader if request.body is not None else None
    return isinstance(reader, ChunkedReader) or (
        isinstance(reader, LengthReader) and reader.length > 0
    )


class BufferedConnection(TConn):
    """A gthread connection whose request head the event loop reads before a thread
    parses it."""

    def __init__(self, cfg, sock, client, server):
        super().__init__(cfg, sock, client, server)
        self.received = bytearray()
        self.drained = 0
        self.data_ready = True  # gthread's own wait for a first byte is not needed

    def init(self):
        """Set up the parser and bound the thread's socket operations (first request
        only), and give the parser the buffered head. Runs in the thread."""
        if not self.initialized:
            super().init()
            # Kernel timeouts, not settimeout(): those cost a poll() before every send.
            for option in (socket.SO_SNDTIMEO, socket.SO_RCVTIMEO):
                self.sock.setsockopt(socket.SOL_SOCKET, option, _SOCKET_TIMEOUT_TIMEVAL)
        if self.received:
            self.parser.unreader.unread(bytes(self.received))
            self.received.clear()


class HeadReadingThreadWorker(ThreadWorker):
    """gthread with request heads read by the event loop; see the module docstring."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.head_limit = head_limit(self.cfg)
        self.lingering_conns: deque[TConn] = deque()
        self._writable_probe = select.poll()
        self._accept_resumes_at = 0.0
        self._descriptor_warned_at = -DESCRIPTOR_WARNING_INTERVAL

    @classmethod
    def check_config(cls, cfg, log):
        super().check_config(cfg, log)
        if cfg.is_ssl or "h2" in cfg.http_protocols:
            raise RuntimeError(f"{cls.__name__} serves plain HTTP/1.x: end TLS in front")

    # Connections waiting for a request head: `pending_conns`, oldest first.

    def accept(self, listener):
        try:
            client_sock, client_addr = listener.accept()
        except OSError as error:
            if error.errno in _OUT_OF_DESCRIPTORS:
                self._shed_a_connection(error)
            elif error.errno not in _NOTHING_TO_ACCEPT:
                raise
            return
        self.nr_conns += 1
        conn = BufferedConnection(self.cfg, client_sock, client_addr, listener.getsockname())
        self._await_head(conn)

    def _await_head(self, conn, on_event=None, events=selectors.EVENT_READ):
        lifetime = REQUEST_HEAD_TIMEOUT if self.alive else STOP_KEEPALIVE_LINGER
        conn.timeout = time.monotonic() + lifetime
        self.pending_conns.append(conn)
        callback = on_event or self.on_pending_socket_readable
        self.poller.register(conn.sock, events, partial(callback, conn))

    def _stop_waiting(self, conn, waiting):
        self.poller.unregister(conn.sock)
        waiting.remove(conn)

    def _receive(self, conn) -> bool | None:
        """Read what the client sent: True when its head is decided, False when more is
        needed, None when the connection is over (closed by the peer, or failed)."""
        try:
            data = conn.sock.recv(RECEIVE_SIZE)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return None
        if not data:
            return None
        searched_before = len(conn.received)
        conn.received += data
        return self._head_ready(conn, searched_before)

    def _head_ready(self, conn, searched_before=0) -> bool:
        return (
            head_is_decided(conn.received, searched_before) or len(conn.received) > self.head_limit
        )

    def on_pending_socket_readable(self, conn, client):
        state = self._receive(conn)
        if state is False:
            return
        self._stop_waiting(conn, self.pending_conns)
        if state is None:
            self._close(conn)
        else:
            self._dispatch(conn)

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection has bytes: its next request, or the start of it."""
        self._stop_waiting(conn, self.keepalived_conns)
        state = self._receive(conn)
        if state is None:
            self._close(conn)
        elif state:
            self._dispatch(conn)
        else:
            self._await_head(conn)

    def _dispatch(self, conn):
        """Give a thread the connection, unless the client has stopped reading what it
        was sent: its next answer would block the thread, so it waits in the poller."""
        if conn.initialized and not self._writable(conn.sock):
            self._await_head(conn, self.on_pending_socket_writable, selectors.EVENT_WRITE)
        else:
            self.enqueue_req(conn)

    def on_pending_socket_writable(self, conn, client):
        self._stop_waiting(conn, self.pending_conns)
        self.enqueue_req(conn)

    def _writable(self, sock) -> bool:
        self._writable_probe.register(sock, select.POLLOUT)
        try:
            return bool(self._writable_probe.poll(0))
        finally:
            self._writable_probe.unregister(sock)

    # After a thread has served a request.

    def handle_request(self, req, conn):
        if declares_body(req):
            req.force_close()  # answer, then close: never drain a body in a thread
        try:
            return super().handle_request(req, conn)
        except (BlockingIOError, TimeoutError):  # SO_SNDTIMEO or SO_RCVTIMEO expired
            self.log.info("closed a connection whose client stalled for %ss", SOCKET_TIMEOUT)
            return False

    def _keepalive_after(self, conn, keepalive):
        try:
            return super()._keepalive_after(conn, keepalive)
        except (ParseException, OSError) as error:
            # The response is complete: a broken remainder only closes the connection.
            self.log.debug("closing after an unreadable request body: %s", error)
            return False

    def finish_request(self, conn, fs):
        """Put a served connection back in the poller: waiting for its next request,
        or lingering until it closes."""
        try:
            keep_alive = not fs.cancelled() and fs.result()
        except Exception:  # gthread's handle() catches everything; this is its fallback
            keep_alive = False
        try:
            conn.sock.setblocking(False)
        except OSError:  # the thread closed the socket already
            self._close(conn)
            return
        if not keep_alive:
            self._linger_then_close(conn)
            return
        # A client may send its next requests before reading the answer (pipelining).
        conn.received += conn.parser.unreader.take_buffered()
        if conn.received:
            if self._head_ready(conn):
                self._dispatch(conn)
            else:
                self._await_head(conn)
            return
        conn.set_timeout()
        if not self.alive:
            conn.timeout = min(conn.timeout, time.monotonic() + STOP_KEEPALIVE_LINGER)
        self.keepalived_conns.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.on_client_socket_readable, conn)
        )

    # Closing.

    def _close(self, conn):
        self.nr_conns -= 1
        conn.close()

    def _linger_then_close(self, conn):
        """Send FIN, then read and discard what the client still sends until it closes
        too, so unread request bytes never make the kernel reset the connection and
        truncate the answer: gunicorn's close_graceful, without blocking the loop."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(conn)
            return
        conn.timeout = time.monotonic() + CLOSE_LINGER_SECONDS
        self.lingering_conns.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.on_lingering_socket_readable, conn)
        )

    def on_lingering_socket_readable(self, conn, client):
        try:
            data = conn.sock.recv(RECEIVE_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        conn.drained += len(data)
        if not data or conn.drained >= CLOSE_LINGER_BYTES:
            self._stop_waiting(conn, self.lingering_conns)
            self._close(conn)

    def murder_pending(self):
        """Close heads past their deadline, then lingering closes past theirs (the run
        loop calls this once per turn)."""
        super().murder_pending()
        now = time.monotonic()
        while self.lingering_conns and self.lingering_conns[0].timeout <= now:
            conn = self.lingering_conns.popleft()
            self.poller.unregister(conn.sock)
            self._close(conn)

    def _cap_keepalive(self, deadline):
        """On stop, heads still arriving get the same short grace as idle connections."""
        super()._cap_keepalive(deadline)
        for conn in self.pending_conns:
            conn.timeout = min(conn.timeout, deadline)

    # Out of descriptors.

    def set_accept_enabled(self, enabled):
        if enabled and time.monotonic() < self._accept_resumes_at:
            return
        super().set_accept_enabled(enabled)

    def _shed_a_connection(self, error):
        """Make room after EMFILE: close the oldest idle connection, else the oldest one
        still sending its head; with neither, stop accepting for a moment (the backlog,
        or another worker, holds new connections meanwhile)."""
        waiting = self.keepalived_conns or self.pending_conns
        if waiting:
            conn = waiting[0]
            self._stop_waiting(conn, waiting)
            self._close(conn)
            shed = "closing the oldest waiting connection"
        else:
            self._accept_resumes_at = time.monotonic() + ACCEPT_PAUSE_SECONDS
            self.set_accept_enabled(False)
            shed = f"not accepting for {ACCEPT_PAUSE_SECONDS}s"
        now = time.monotonic()
        if now - self._descriptor_warned_at >= DESCRIPTOR_WARNING_INTERVAL:
            self._descriptor_warned_at = now
            self.log.warning(
                "out of file descriptors (%s) with %d connections: %s",
                errno.errorcode.get(error.errno, error.errno),
                self.nr_conns,
                shed,
            )
