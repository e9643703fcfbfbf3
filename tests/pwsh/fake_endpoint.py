#!/usr/bin/python3
"""A stand-in ECR endpoint for the cmdlets' -EndpointUrl tests.

fake_endpoint.py ANSWERS LOG PORTFILE: answers each X-Amz-Target operation with the
next [status, body] of ANSWERS[op] (the last one repeats), appends every request
(target, JSON body, Authorization, User-Agent) to LOG as a JSON line, and writes the
port it listens on to PORTFILE."""
import http.server
import json
import sys

answers = json.load(open(sys.argv[1]))
served = {}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        target = self.headers.get("X-Amz-Target", "")
        with open(sys.argv[2], "a") as log:
            log.write(json.dumps({"target": target, "body": json.loads(body or "{}"),
                                  "authorization": self.headers.get("Authorization", ""),
                                  "user_agent": self.headers.get("User-Agent", "")}) + "\n")
        op = target.rsplit(".", 1)[-1]
        seq = answers.get(op, [[400, {"__type": "UnknownOperationException", "message": op}]])
        status, doc = seq[min(served.get(op, 0), len(seq) - 1)]
        served[op] = served.get(op, 0) + 1
        data = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[3], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
