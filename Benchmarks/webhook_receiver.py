#!/usr/bin/env python3
"""A webhook receiver for Benchmarks/webhook-load.sh: answers 200 at once and appends, per delivery,
the arrival time and the event's date_created (both Unix seconds) to the file named by argv[2].
Usage: webhook_receiver.py PORT OUTFILE"""
import json
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
out = open(sys.argv[2], "a", buffering=1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        arrived = time.time()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
        try:
            created = datetime.fromisoformat(json.loads(body)["event"]["date_created"]).timestamp()
        except Exception:
            created = 0.0
        with lock:
            out.write(f"{arrived:.6f} {created:.6f}\n")

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
