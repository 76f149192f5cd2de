"""A tiny payment API on loopback, for the order fulfilment examples' HTTP activity.

    payments.py --port P [--token T]
        Serves POST /charges on 127.0.0.1:P until SIGTERM or SIGINT; prints `ready` once
        listening. A charge is JSON {"order_id", "amount_cents"} with `Authorization: Bearer T`
        (T defaults to $PAYMENTS_TOKEN). Answers:
          201 {"charge_id": "ch-<order_id>", "amount_cents"}   for a good charge;
          402 {"error": "card declined"}                      when order_id starts with DECLINE;
          401 {"error": "bad token"}                          without the right token;
          400 {"error": ...}                                  for anything else.
        Every request is logged to stdout as one JSON line: {"order_id", "status"}.
"""

import argparse
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(token):
    class Payments(BaseHTTPRequestHandler):
        def answer(self, status, body, order_id=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            print(json.dumps({"order_id": order_id, "status": status}), flush=True)

        def do_POST(self):
            if self.path != "/charges":
                return self.answer(404, {"error": f"no route {self.path}"})
            if self.headers.get("authorization") != f"Bearer {token}":
                return self.answer(401, {"error": "bad token"})
            length = int(self.headers.get("content-length") or 0)
            try:
                charge = json.loads(self.rfile.read(length))
                order_id = charge["order_id"]
                amount = charge["amount_cents"]
            except (ValueError, KeyError, TypeError) as err:
                return self.answer(400, {"error": f"not a charge: {err}"})
            if str(order_id).startswith("DECLINE"):
                return self.answer(402, {"error": "card declined"}, order_id)
            return self.answer(201, {"charge_id": f"ch-{order_id}", "amount_cents": amount}, order_id)

        def log_message(self, *args):
            pass

    return Payments


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", default=os.environ.get("PAYMENTS_TOKEN", ""))
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", options.port), make_handler(options.token))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
