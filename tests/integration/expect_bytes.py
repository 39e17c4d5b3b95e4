#!/usr/bin/env python3
"""Prints the SHA-256 of what a pass should leave on a drive of SIZE bytes,
computed independently of kesu: fixed bytes and patterns repeat from the
first byte; a random stream is AES-128-CTR (key = seed[0:16], counter =
seed[16:32]) as the openssl command line computes it.

usage: expect_bytes.py SIZE PATTERN_HEX|random:SEED_HEX
"""
import hashlib
import subprocess
import sys

size = int(sys.argv[1])
spec = sys.argv[2]
h = hashlib.sha256()
if spec.startswith("random:"):
    seed = spec[7:]
    zeros = open("/dev/zero", "rb")
    p = subprocess.Popen(
        ["openssl", "enc", "-aes-128-ctr", "-nosalt", "-K", seed[:32], "-iv", seed[32:]],
        stdin=zeros, stdout=subprocess.PIPE)
    left = size
    while left:
        got = p.stdout.read(min(1 << 20, left))
        if not got:
            sys.exit("openssl stopped early")
        h.update(got)
        left -= len(got)
    p.kill()
    p.wait()
else:
    pattern = bytes.fromhex(spec)
    block = pattern * ((1 << 20) // len(pattern) + 1)
    period = len(block) - len(block) % len(pattern)  # keeps the phase
    block = block[:period]
    left = size
    while left:
        n = min(len(block), left)
        h.update(block[:n])
        left -= n
print(h.hexdigest())
