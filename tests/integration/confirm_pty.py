#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, waits for the confirmation prompt,
types ANSWER, and exits with the command's status. Prints what the command
wrote. usage: confirm_pty.py ANSWER COMMAND...
With $PTY_BEFORE_ANSWER set, runs that shell command when the prompt shows,
before typing (to change the world under the prompt)."""
import os
import pty
import subprocess
import sys
import time

answer = sys.argv[1].encode() + b"\n"
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
seen = b""
typed = False
deadline = time.time() + 60
while time.time() < deadline:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if not typed and b"to go ahead:" in seen:
        if os.environ.get("PTY_BEFORE_ANSWER"):
            subprocess.run(os.environ["PTY_BEFORE_ANSWER"], shell=True, check=True)
        os.write(fd, answer)
        typed = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
