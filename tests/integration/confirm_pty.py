#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, waits for the confirmation prompt,
types ANSWER, and exits with the command's status. Prints what the command
wrote. usage: confirm_pty.py ANSWER COMMAND..."""
import os
import pty
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
        os.write(fd, answer)
        typed = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
