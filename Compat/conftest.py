"""Starts real `closr serve` processes for the compatibility suites.

Each server gets a fresh database and a free port on 127.0.0.1; its first-start API key is read from
stdout, exactly as an operator would. CLOSR_BIN names the built `closr` executable. The database is a
temporary SQLite file, or, when CLOSR_COMPAT_POSTGRES_URL is set, a new schema on that PostgreSQL
server (`.ci/run` runs the suite both ways).
"""
import os
import uuid
import re
import socket
import subprocess
import tempfile
import time

import pytest
import requests


class ClosrServer:
    def __init__(self, *extra_args):
        binary = os.environ.get("CLOSR_BIN")
        assert binary and os.path.exists(binary), "set CLOSR_BIN to the built closr executable"
        self.folder = tempfile.TemporaryDirectory(prefix="closr-compat-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.stdout = open(os.path.join(self.folder.name, "stdout"), "w+")
        self.stderr = open(os.path.join(self.folder.name, "stderr"), "w+")
        postgres = os.environ.get("CLOSR_COMPAT_POSTGRES_URL")
        if postgres:
            separator = "&" if "?" in postgres else "?"
            database = f"{postgres}{separator}schema=compat_{uuid.uuid4().hex}"
        else:
            database = f"sqlite:{self.folder.name}/closr.sqlite"
        self.database = database
        self.process = subprocess.Popen(
            [binary, "serve", "--port", str(self.port), "--database", database, *extra_args],
            stdout=self.stdout, stderr=self.stderr,
        )
        self.base_url = f"http://127.0.0.1:{self.port}/api/v1/"
        self.api_key = self._wait_for_key()
        self.stdout.seek(0)
        # The admin's console password, printed once on first start beside the key.
        password = re.search(r"^Password: (\S+)$", self.stdout.read(), re.MULTILINE)
        self.password = password.group(1) if password else None

    def _wait_for_key(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            self.stdout.seek(0)
            match = re.search(r"^API key: (closr_\S+)$", self.stdout.read(), re.MULTILINE)
            if match:
                try:
                    requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                    return match.group(1)
                except requests.ConnectionError:
                    pass
            assert self.process.poll() is None, self.log()
            time.sleep(0.1)
        raise AssertionError("closr serve did not start: " + self.log())

    def log(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.folder.cleanup()


class AdminAPI:
    """requests against a server's API with its first-start (admin) key, HTTP Basic with an empty password;
    every call must answer 200."""

    def __init__(self, server):
        self.base_url = server.base_url
        self.session = requests.Session()
        self.session.auth = (server.api_key, "")

    def call(self, method, path, **kwargs):
        response = self.session.request(method, self.base_url + path, timeout=30, **kwargs)
        assert response.status_code == 200, f"{method} {path} -> {response.status_code}: {response.text[:500]}"
        return response.json()

    def get(self, path, **params):
        return self.call("GET", path, params=params)

    def post(self, path, body):
        return self.call("POST", path, json=body)

    def put(self, path, body):
        return self.call("PUT", path, json=body)


@pytest.fixture(scope="session")
def server():
    running = ClosrServer("--rate-limit", "off")
    yield running
    running.stop()


@pytest.fixture()
def rate_limited_server():
    running = ClosrServer("--rate-limit", "3/1")
    yield running
    running.stop()
