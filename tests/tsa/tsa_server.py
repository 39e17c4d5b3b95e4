#!/usr/bin/env python3
"""A local RFC 3161 timestamp authority for kesu's tests (issue 15).

Answers each POST (application/timestamp-query) with the reply of
`openssl ts -reply -config CONFIG -queryfile ...` as
application/timestamp-reply. Listens on 127.0.0.1 only, on a free port that
it writes to --port-file once it listens. Exits on SIGTERM, and when the
process that started it (the test) has gone away, so a test that dies
leaves no server behind.

Some paths answer wrongly on purpose, for the client's error tests:
  /garbage      200 with a body that is not a timestamp reply
  /status500    HTTP 500
  /redirect     302 to another host
  /slow         waits 5 seconds before answering (client timeouts)
  /reject       a real rejection (section tsa_reject accepts only SHA-512)
  /othernonce   a granted reply to the query with another nonce
  /otherdigest  a granted reply to the query for another digest
  /huge         200 with 100 KiB of zeros (the client's size limit)
"""
import argparse
import http.server
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

MAX_QUERY = 64 * 1024
# openssl ts -reply counts its serial number in a file: one at a time.
OPENSSL_LOCK = threading.Lock()


def openssl_reply(config, query, section=None):
    """The DER TimeStampResp openssl makes for query (bytes)."""
    with tempfile.TemporaryDirectory(prefix="kesu-tsa.") as tmp:
        qpath = os.path.join(tmp, "q.tsq")
        rpath = os.path.join(tmp, "r.tsr")
        with open(qpath, "wb") as f:
            f.write(query)
        cmd = ["openssl", "ts", "-reply", "-config", config, "-queryfile", qpath,
               "-out", rpath]
        if section:
            cmd += ["-section", section]
        with OPENSSL_LOCK:
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        with open(rpath, "rb") as f:
            return f.read()


def flip_nonce(query):
    """The query with its nonce's last byte changed. kesu's requests end
    with nonce INTEGER, certReq BOOLEAN TRUE (01 01 ff)."""
    q = bytearray(query)
    if q[-3:] != b"\x01\x01\xff":
        raise ValueError("query without certReq at its end")
    q[-4] ^= 0x01
    return bytes(q)


def flip_digest(query):
    """The query with the first byte of its SHA-256 imprint changed."""
    q = bytearray(query)
    at = q.find(b"\x04\x20")
    if at < 0:
        raise ValueError("query without a 32-byte imprint")
    q[at + 2] ^= 0x01
    return bytes(q)


class Handler(http.server.BaseHTTPRequestHandler):
    config = None
    log = None

    def log_message(self, fmt, *args):
        if self.log:
            self.log.write("%s\n" % (fmt % args))
            self.log.flush()

    def send(self, status, body, ctype="application/timestamp-reply", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        if length <= 0 or length > MAX_QUERY:
            self.send(413, b"", "text/plain")
            return
        query = self.rfile.read(length)
        path = self.path.rstrip("/") or "/"
        try:
            self.answer(path, query)
        except (subprocess.CalledProcessError, ValueError) as e:
            self.log_message("cannot answer %s: %s", path, e)
            self.send(500, b"", "text/plain")

    def answer(self, path, query):
        if path == "/garbage":
            self.send(200, b"this is not a timestamp reply\n", "text/plain")
        elif path == "/status500":
            self.send(500, b"", "text/plain")
        elif path == "/redirect":
            self.send(302, b"", "text/plain", [("Location", "http://tsa.invalid/")])
        elif path == "/huge":
            self.send(200, bytes(100 * 1024))
        elif path == "/slow":
            time.sleep(5)
            self.send(200, openssl_reply(self.config, query))
        elif path == "/reject":
            self.send(200, openssl_reply(self.config, query, "tsa_reject"))
        elif path == "/othernonce":
            self.send(200, openssl_reply(self.config, flip_nonce(query)))
        elif path == "/otherdigest":
            self.send(200, openssl_reply(self.config, flip_digest(query)))
        else:
            self.send(200, openssl_reply(self.config, query))


def watch_parent(server, parent):
    """Stops the server once the process that started it is gone."""
    while os.getppid() == parent:
        time.sleep(0.5)
    server.shutdown()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True, help="tsa.cnf (lib_pki.sh pki_make)")
    ap.add_argument("--port-file", required=True, help="written with the port once listening")
    ap.add_argument("--log", help="request log (default: none)")
    args = ap.parse_args()

    Handler.config = os.path.abspath(args.config)
    Handler.log = open(args.log, "a") if args.log else None
    # Port 0: the kernel picks a free one; only the loopback address.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    threading.Thread(target=watch_parent, args=(server, os.getppid()), daemon=True).start()

    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, args.port_file)  # whole, never half-written
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
