#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, waits for the confirmation prompt,
types ANSWER, and exits with the command's status. Prints what the command
wrote. usage: confirm_pty.py ANSWER COMMAND...
ANSWER "=" answers every prompt with the token it asks for (the serial, or
the device's name), as an operator who reads the prompt does.
With $PTY_BEFORE_ANSWER set, runs that shell command when the prompt shows,
before typing (to change the world under the prompt)."""
import os
import pty
import re
import subprocess
import sys
import time

answer = sys.argv[1].encode() + b"\n"
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
seen = b""
typed = False
answered = 0
deadline = time.time() + 120
while time.time() < deadline:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if answer == b"=\n":
        asks = re.findall(rb'"([^"]+)" to go ahead:', seen)
        for token in asks[answered:]:
            os.write(fd, token + b"\n")
        answered = len(asks)
    elif not typed and b"to go ahead:" in seen:
        if os.environ.get("PTY_BEFORE_ANSWER"):
            subprocess.run(os.environ["PTY_BEFORE_ANSWER"], shell=True, check=True)
        os.write(fd, answer)
        typed = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
