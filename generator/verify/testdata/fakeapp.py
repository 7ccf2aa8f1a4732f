"""A tiny stand-in for a generated project with a SQLite database, for verify's tests.

It speaks just enough of the contract for the database steps: /livez, /readyz (503
"unavailable" while the schema is missing), POST /v1/items and GET /v1/items/ID. The
"schema" is a table made by `fakeapp.py migrate` and dropped by `fakeapp.py migrate_down`;
MIGRATE_ON_START=1 makes it at start. FAKE_FORGET=1 keeps items in memory instead, as a
project that ignores DATABASE_URL would.
"""
import json, os, signal, sqlite3, sys, uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

url = os.environ["DATABASE_URL"]
assert url.startswith("sqlite:////"), url
path = url[len("sqlite:///"):]
memory = {}

def db():
    return sqlite3.connect(path)

if sys.argv[1:] == ["migrate"]:
    db().execute("create table if not exists items (id text primary key, body text)")
    sys.exit(0)
if sys.argv[1:] == ["migrate_down"]:
    db().execute("drop table if exists items")
    sys.exit(0)
if os.environ.get("MIGRATE_ON_START") == "1":
    db().execute("create table if not exists items (id text primary key, body text)")

def migrated():
    return db().execute("select count(*) from sqlite_master where name = 'items'").fetchone()[0] == 1

class Handler(BaseHTTPRequestHandler):
    def answer(self, code, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/livez":
            return self.answer(200, {"status": "ok"})
        if self.path == "/readyz":
            return self.answer(200, {"status": "ready"}) if migrated() else self.answer(503, {"status": "unavailable"})
        item_id = self.path.rsplit("/", 1)[-1]
        if os.environ.get("FAKE_FORGET") == "1":
            body = memory.get(item_id)
        else:
            row = db().execute("select body from items where id = ?", (item_id,)).fetchone()
            body = row and row[0].encode()
        return self.answer(200, body) if body else self.answer(404, {"status": 404})

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        item = {"id": str(uuid.uuid4()), **req}
        body = json.dumps(item, separators=(",", ":")).encode()
        if os.environ.get("FAKE_FORGET") == "1":
            memory[item["id"]] = body
        else:
            with db() as c:
                c.execute("insert into items values (?, ?)", (item["id"], body.decode()))
        self.answer(201, body)

    def log_message(self, *args):
        pass

server = HTTPServer((os.environ["HOST"], int(os.environ["PORT"])), Handler)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
server.serve_forever()
