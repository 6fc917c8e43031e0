#!/usr/bin/env python3
"""Time from process launch to the first served review.

  firstreview.py START_NS PID URL BODY [TIMEOUT_S]

START_NS is `date +%s%N` taken just before the server was launched. POSTs BODY to URL (HTTPS, certificate not
verified: loopback) every 5 ms until an HTTP 200 carrying an AdmissionReview comes back, then prints
{"first_review_ms": ...}. Fails when PID exits or TIMEOUT_S (default 60) passes.
"""
import http.client
import json
import os
import ssl
import sys
import time
import urllib.parse


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie has exited.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def main():
    start_ns, pid, url, body_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    timeout = float(sys.argv[5]) if len(sys.argv) > 5 else 60.0
    body = open(body_path, "rb").read()
    u = urllib.parse.urlsplit(url)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    attempts = 0
    while True:
        if (time.time_ns() - start_ns) / 1e9 > timeout:
            print(json.dumps({"error": f"no review served within {timeout}s", "attempts": attempts}))
            sys.exit(1)
        if not alive(pid):
            print(json.dumps({"error": "server exited", "attempts": attempts}))
            sys.exit(1)
        attempts += 1
        try:
            conn = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=10)
            conn.request("POST", u.path, body=body, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
            conn.close()
            if resp.status == 200 and b'"AdmissionReview"' in data:
                ms = (time.time_ns() - start_ns) / 1e6
                print(json.dumps({"first_review_ms": round(ms, 1), "attempts": attempts}))
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.005)


if __name__ == "__main__":
    main()
