#!/usr/bin/env python3
"""Server CPU per message against bench/cpu-budgets.json (run by scripts/bench-check).

Starts the published native-AOT binary on free loopback ports with a fresh data directory, runs each budgeted load
scenario with the load runner (--server-pid: the server's own CPU time, user + system, over the measured part), and
compares the runner's cpu_ms_per_op with the budget. A result over budget is measured once more and the lower figure
counts (one run spreads by about +-20% on a two-core machine). Prints a table; exits 1 when a scenario is over budget
or failed to run.

    scripts/bench-check.d/cpu_per_message.py BINARY RUNNER_DLL BUDGETS_JSON
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PASSWORD = "cpu-budget-pw"
POP3_USERS = [f"p{i}" for i in range(1, 17)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not listen on {port} within {seconds} s")


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_idle(pid):
    """Until the server's CPU time stops moving for half a second (its queue and commits are done)."""
    last = cpu_ticks(pid)
    for _ in range(60):
        time.sleep(0.5)
        now = cpu_ticks(pid)
        if now == last:
            return
        last = now


def run_runner(runner, args):
    out = subprocess.run(["dotnet", runner, *args, "--no-report"], capture_output=True, text=True, timeout=600)
    line = next((l for l in reversed(out.stdout.splitlines()) if l.startswith("RESULT ")), None)
    if out.returncode != 0 or line is None:
        raise RuntimeError(f"runner failed ({out.returncode}): {(out.stdout + out.stderr).strip()[-400:]}")
    fields = dict(part.split("=", 1) for part in line.split()[1:] if "=" in part)
    if fields.get("errors", "0") != "0":
        raise RuntimeError(f"runner reported {fields['errors']} errors: {line}")
    return float(fields.get("cpu_ms_per_op", "nan")), float(fields["ops_per_s"])


def main():
    binary, runner, budgets_path = sys.argv[1:4]
    budgets = json.load(open(budgets_path))["budgets"]
    work = tempfile.mkdtemp(prefix="fastmail-cpu-budget-")
    data = os.path.join(work, "data")
    smtp, pop3 = free_port(), free_port()
    settings = ["--data-dir", data, "--set", "accounts.pbkdf2Iterations=4096"]
    for user in ["u1", *POP3_USERS]:
        subprocess.run([binary, "user", "add", user, "--password", PASSWORD, *settings], check=True, capture_output=True)
    server = subprocess.Popen(
        [binary, "serve", *settings,
         "--set", f"smtp.listen=127.0.0.1:{smtp}", "--set", f"pop3.listen=127.0.0.1:{pop3}",
         "--set", "smtp.submissionListen=", "--set", "smtp.smtpsListen=", "--set", "pop3.pop3sListen=",
         "--set", "web.listen=", "--set", "limits.maxConnectionRatePerIp=0",
         "--set", "limits.maxConnectionsPerIp=1000", "--set", "limits.maxConnections=1000"],
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "server.log"), "w"), start_new_session=True)
    status = 0
    try:
        wait_for_port(smtp, server)
        pid = str(server.pid)
        print(f"{'scenario':40} {'CPU ms/msg':>10} {'budget':>7} {'msg/s':>7}  verdict")
        for name, budget in budgets.items():
            common = ["--server-pid", pid, "--warmup", "1s", "--duration", "60s"]
            if budget["args"].startswith("pop3"):
                fill = ["--port", str(smtp), "--to", ",".join(f"{u}@localhost" for u in POP3_USERS), "--warmup", "0s", "--duration", "120s"]
                scenario = ["--port", str(pop3), "--users", ",".join(POP3_USERS), "--password", PASSWORD, "--server-pid", pid, "--warmup", "0s", "--duration", "120s"]
            else:
                fill = None
                scenario = ["--port", str(smtp), "--to", "u1@localhost", *common]
            figures = []
            try:
                for attempt in range(2):
                    if fill is not None:
                        run_runner(runner, budget["fill"].split() + fill)
                    wait_idle(server.pid)
                    figures.append(run_runner(runner, budget["args"].split() + scenario))
                    if min(f[0] for f in figures) <= budget["maxMs"]:
                        break
                cpu, rate = min(figures)
                verdict = "within budget" if cpu <= budget["maxMs"] else "OVER BUDGET"
                if cpu > budget["maxMs"]:
                    status = 1
                runs = " / ".join(f"{f[0]:.3f}" for f in figures)
                print(f"{name:40} {cpu:10.3f} {budget['maxMs']:7.2f} {rate:7.0f}  {verdict} (runs {runs})")
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                status = 1
                print(f"{name:40} {'-':>10} {budget['maxMs']:7.2f} {'-':>7}  FAILED: {e}")
    except RuntimeError as e:
        print(f"cpu budget: FAILED: {e}")
        status = 1
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
