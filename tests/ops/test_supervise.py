"""scripts/supervise.py (make serve-prod): a process that stops is started again; SIGTERM stops every process."""

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_stopped_process_is_restarted_and_sigterm_stops_everything(tmp_path):
    pid_file = tmp_path / "steady.pid"
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        "# a comment\n"
        f"flaky: {sys.executable} -c \"print('flaky up'); raise SystemExit(3)\"\n"
        f"steady: {sys.executable} -c \"import os, time; open('{pid_file}', 'w').write(str(os.getpid())); "
        "print('steady up', flush=True); time.sleep(120)\"\n"
    )
    supervisor = subprocess.Popen(  # noqa: S603 (our own script)
        [sys.executable, str(ROOT / "scripts" / "supervise.py"), "--procfile", str(procfile), "--grace", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(4.5)  # flaky: started, exits, restarted after 1 s, exits, restarted after 2 s
    supervisor.send_signal(signal.SIGTERM)
    output, _ = supervisor.communicate(timeout=20)
    assert supervisor.returncode == 0
    assert output.count("flaky | flaky up") >= 2, output
    assert "flaky exited with 3" in output
    assert output.count("steady | steady up") == 1  # never restarted: it never stopped
    assert "stopped steady" in output
    assert not _running(int(pid_file.read_text())), "the steady process outlived the supervisor"


def _running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (killed, waiting for a parent that may never reap it)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return False
    state = next(line for line in status.read_text().splitlines() if line.startswith("State:"))
    return "zombie" not in state


def test_a_malformed_procfile_is_refused_with_its_line(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text("web: ok\nno command here\n")
    result = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, str(ROOT / "scripts" / "supervise.py"), "--procfile", str(procfile)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "line 2: expected 'name: command'" in result.stderr
