"""`make run` supervises its processes: one that exits is started again with backoff and
the output says so; the others keep running; SIGTERM stops them all."""
import configparser
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from honcho.environ import parse_procfile

ROOT = Path(__file__).resolve().parents[1]
SUPERVISE = """
from workers.supervise import Supervisor
manager = Supervisor()
manager.add_process("sleeper", "sleep 600")
manager.add_process("other", "sleep 600")
manager.loop()
raise SystemExit(manager.returncode)
"""


class Output:
    """The supervisor's output, read line by line until a pattern shows up."""

    def __init__(self, process: subprocess.Popen):
        self.process, self.lines = process, []

    def wait_for(self, pattern: str, timeout: float = 20) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            assert line, f"the supervisor ended: {''.join(self.lines)}"
            self.lines.append(line)
            if found := re.search(pattern, line):
                return found
        raise AssertionError(f"no {pattern!r} in {''.join(self.lines)}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_crashed_process_is_started_again_and_the_others_keep_running():
    supervisor = subprocess.Popen([sys.executable, "-c", SUPERVISE], cwd=ROOT, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = Output(supervisor)
    try:
        pids = {}
        for _ in range(2):
            found = output.wait_for(r"(sleeper|other) started \(pid=(\d+)\)")
            pids[found[1]] = int(found[2])
        os.kill(pids["sleeper"], signal.SIGKILL)
        output.wait_for(r"sleeper exited \(rc=-9\) .*restarting in 1 s \(restart 1 in a row")
        output.wait_for(r"restarting sleeper")
        again = int(output.wait_for(r"sleeper started \(pid=(\d+)\)")[1])
        assert again != pids["sleeper"] and alive(again) and alive(pids["other"])
        os.kill(again, signal.SIGKILL)  # crashing again at once: a longer wait
        output.wait_for(r"sleeper exited .*restarting in 2 s \(restart 2 in a row")
        third = int(output.wait_for(r"sleeper started \(pid=(\d+)\)")[1])
        assert not any("other exited" in line for line in output.lines)
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=20)
        assert supervisor.returncode == 143
        time.sleep(0.5)
        assert not alive(third) and not alive(pids["other"])
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()


def unit_commands() -> dict[str, str]:
    """Each systemd unit's ExecStart, without the virtualenv's path."""
    commands = {}
    for unit in (ROOT / "deploy" / "systemd").glob("herald*.service"):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.read(unit)
        command = parser["Service"]["ExecStart"].split("/.venv/bin/", 1)[1]
        commands[unit.stem] = command
    return commands


def test_every_procfile_process_has_a_systemd_unit_running_the_same_command():
    units = unit_commands()
    procfile = parse_procfile((ROOT / "Procfile").read_text()).processes
    for name, command in procfile.items():
        if name == "sandbox":  # development only
            continue
        if name == "web":
            assert units["herald-web"].split()[0] == "gunicorn"
            assert units["herald-web"].split()[-1] == command.split()[-1] == "wsgi:app"
        elif name in ("scheduler", "hits"):
            assert units[f"herald-{name}"] == command
        else:
            assert units["herald-worker@"].replace("%i", name) == command
