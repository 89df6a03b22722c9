"""Sends N wrong client secrets from one (forwarded) address as fast as a few keep-alive connections allow.

    python3 bench/attack.py BASE_URL ATTEMPTS [CONNECTIONS] [ADDRESS]

Each request invents a new client_id (the worst case for the server's memory). Prints one line of JSON:
how many requests were sent, how long they took, and the count of each status.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse
from collections import Counter

base, attempts = sys.argv[1], int(sys.argv[2])
connections = int(sys.argv[3]) if len(sys.argv) > 3 else 8
address = sys.argv[4] if len(sys.argv) > 4 else "203.0.113.66"
url = urllib.parse.urlsplit(base)
statuses, lock = Counter(), threading.Lock()


def worker(index: int, count: int) -> None:
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    local = Counter()
    for n in range(count):
        body = f"grant_type=client_credentials&client_id=guess-{index}-{n}&client_secret=wrong-{n}"
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address}
        try:
            conn.request("POST", "/oauth/token", body, headers)
            response = conn.getresponse()
            response.read()
            local[response.status] += 1
        except (http.client.HTTPException, OSError):
            local["error"] += 1
            conn.close()
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    with lock:
        statuses.update(local)


start = time.monotonic()
share = [attempts // connections + (1 if i < attempts % connections else 0) for i in range(connections)]
threads = [threading.Thread(target=worker, args=(i, share[i])) for i in range(connections)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"sent": sum(statuses.values()), "seconds": round(time.monotonic() - start, 1),
                  "statuses": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))}}))
