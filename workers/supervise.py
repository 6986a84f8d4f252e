"""Run the Procfile's processes for `make run`, starting again any that exits.

honcho's Manager ends every process when one exits; a crashed worker would take the whole
stack down with it. Here the others keep running and the one that exited is started
again after a backoff (1 s, doubling up to 30 s; back to 1 s once it has run a minute),
and the output says so. Ctrl-C (SIGINT) or SIGTERM stops them all, as before.
"""

import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time

from honcho.manager import KILL_WAIT, SIGNALS, Manager
from honcho.process import Process

FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
SETTLED_SECONDS = 60.0  # a process that ran this long starts again at the first backoff


class WatchedProcess(Process):
    """A Procfile process that counts as stopped when its own process exits.

    honcho waits for the end of the output instead, which never comes while anything the
    process forked (a worker's scheduler, a shell's command) holds on to it: those are
    ended with it, as its process group.
    """

    def run(self, events=None, ignore_signals=False):
        self._events = events
        self._child = self._child_ctor(self.cmd, env=self.env, cwd=self.cwd)
        self._send_message({"pid": self._child.pid}, type="start")
        if ignore_signals:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        reader = threading.Thread(target=self._relay, daemon=True)
        reader.start()
        self._child.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._child.pid, signal.SIGKILL)
        reader.join(timeout=5)
        self._send_message({"returncode": self._child.returncode}, type="stop")

    def _relay(self) -> None:
        for line in iter(self._child.stdout.readline, b""):
            if not self.quiet:
                self._send_message(line)


class Supervisor(Manager):
    """A honcho Manager that restarts a process when it exits, instead of stopping all."""

    def __init__(self, printer=None):
        super().__init__(printer)
        self._process_ctor = WatchedProcess
        self._quick_exits: dict[str, int] = {}
        self._started: dict[str, float] = {}
        self._restart_at: dict[str, float] = {}

    def loop(self) -> None:
        """Start every process; restart those that exit; return once told to stop."""

        def _terminate(signum, frame):
            self._system_print(f"{SIGNALS[signum]['name']} received\n")
            self.returncode = SIGNALS[signum]["rc"]
            self.terminate()

        signal.signal(signal.SIGTERM, _terminate)
        signal.signal(signal.SIGINT, _terminate)
        self._start()
        stopping_since = None
        while not (self._terminating and self._all_stopped()):
            with contextlib.suppress(queue.Empty):
                self._handle(self.events.get(timeout=0.1))
            if not self._terminating:
                self._restart_due()
                continue
            self._restart_at.clear()
            stopping_since = stopping_since or time.monotonic()
            if time.monotonic() - stopping_since > KILL_WAIT:
                self.kill()

    def _handle(self, msg) -> None:
        process = self._processes[msg.name]
        if msg.type == "line":
            self._printer.write(msg)
        elif msg.type == "start":
            process["pid"] = msg.data["pid"]
            self._started[msg.name] = time.monotonic()
            self._system_print(f"{msg.name} started (pid={msg.data['pid']})\n")
        elif msg.type == "stop":
            process["returncode"] = msg.data["returncode"]
            if self._terminating:
                self._system_print(f"{msg.name} stopped (rc={msg.data['returncode']})\n")
            else:
                self._schedule_restart(msg.name, msg.data["returncode"])

    def _schedule_restart(self, name: str, returncode) -> None:
        ran = time.monotonic() - self._started.get(name, time.monotonic())
        quick = 0 if ran >= SETTLED_SECONDS else self._quick_exits.get(name, 0)
        self._quick_exits[name] = quick + 1
        delay = min(FIRST_BACKOFF * 2 ** quick, MAX_BACKOFF)
        self._restart_at[name] = time.monotonic() + delay
        self._system_print(f"{name} exited (rc={returncode}) after {ran:.0f} s; "
                           f"restarting in {delay:.0f} s (restart {quick + 1} in a row)\n")

    def _restart_due(self) -> None:
        now = time.monotonic()
        for name in [n for n, at in self._restart_at.items() if at <= now]:
            del self._restart_at[name]
            process = self._processes[name]
            process.pop("returncode", None)
            process["pid"] = None
            self._system_print(f"restarting {name}\n")
            self._start_one(name)

    def _start(self) -> None:
        for name in self._processes:
            self._start_one(name)

    def _start_one(self, name: str) -> None:
        process = self._processes[name]
        process["process"] = multiprocessing.Process(
            name=name, target=process["obj"].run, args=(self.events, True))
        process["process"].start()
