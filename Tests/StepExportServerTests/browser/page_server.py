"""A second loopback origin for the browser test: serves the test page at / and writes what the
page reports (POST /report) to a file. Usage: page_server.py PAGE REPORT; prints its port."""
import http.server
import os
import sys

page_path, report_path = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = open(page_path, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(report_path + ".part", "wb") as f:
            f.write(data)
        os.replace(report_path + ".part", report_path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
