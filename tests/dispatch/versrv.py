#!/usr/bin/env python3
"""versrv.py - a loopback /version server and file mirror for the dispatch tests.

Listens on 127.0.0.1 (ephemeral port, written to --port-file). Every request
is logged as one line "METHOD PATH AUTH" (AUTH: "-" or "Bearer") to --log.
The behaviour is read from files in --state DIR at each request, so a test
changes it between commands without a restart:
  version   the gitVersion ("v1.30.2-gke.1"), or a whole JSON body ("{...}")
  hang      present: read the request, never answer
  token     present: /version needs "Authorization: Bearer <contents>" (else 401)
--mirror DIR serves DIR/release/... files (GET /release/...).
--tls-cert/--tls-key serve HTTPS (credentials only travel over TLS in kubectl).
Standard library only.
"""
import argparse
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
LOCK = threading.Lock()


def state(name):
    try:
        with open(os.path.join(ARGS.state, name)) as f:
            return f.read().strip()
    except FileNotFoundError:
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        auth = self.headers.get("Authorization")
        with LOCK, open(ARGS.log, "a") as f:
            f.write("%s %s %s\n" % (self.command, self.path, auth.split()[0] if auth else "-"))
        if state("hang") is not None:
            time.sleep(3600)
            return
        path = self.path.split("?")[0]
        if path == "/version":
            tok = state("token")
            if tok is not None and auth != "Bearer " + tok:
                self.send(401, json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                           "message": "Unauthorized", "reason": "Unauthorized",
                                           "code": 401}))
                return
            v = state("version") or "v1.30.2"
            if v.startswith("{"):
                self.send(200, v)
                return
            m = re.match(r"v?(\d+)\.(\d+)", v)
            body = {"major": m.group(1) if m else "", "minor": m.group(2) if m else "",
                    "gitVersion": v, "gitCommit": "0" * 40, "gitTreeState": "clean",
                    "buildDate": "2025-05-15T00:00:00Z", "goVersion": "go1.24.2",
                    "compiler": "gc", "platform": "linux/amd64"}
            self.send(200, json.dumps(body))
            return
        if ARGS.mirror and path.startswith("/release/") and ".." not in path:
            fp = os.path.join(ARGS.mirror, path.lstrip("/"))
            if os.path.isfile(fp):
                with open(fp, "rb") as f:
                    self.send(200, f.read(), "application/octet-stream")
                return
        self.send(404, json.dumps({"kind": "Status", "code": 404, "reason": "NotFound"}))


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--mirror")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ARGS = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if ARGS.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.daemon_threads = True
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, ARGS.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
