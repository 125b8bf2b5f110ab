#!/usr/bin/env python3
"""Load on a running `doze cluster`: create N ConfigMaps over one keep-alive connection while a
watch reads them back, then list them. Prints one key=value line."""
import http.client, json, sys, threading, time

port, pid, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
base = "/api/v1/namespaces/default/configmaps"

def request(conn, method, path, body=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read()

conn = http.client.HTTPConnection("127.0.0.1", port)
_, body = request(conn, "GET", base)
rv = json.loads(body)["metadata"]["resourceVersion"]

sent, seen = {}, {}
done = threading.Event()
def watch():
    w = http.client.HTTPConnection("127.0.0.1", port)
    w.request("GET", f"{base}?watch=true&resourceVersion={rv}&timeoutSeconds=120")
    resp = w.getresponse()
    while len(seen) < n:
        line = resp.readline()
        if not line:
            break
        ev = json.loads(line)
        if ev["type"] == "ADDED":
            seen[ev["object"]["metadata"]["name"]] = time.perf_counter()
    done.set()
t = threading.Thread(target=watch, daemon=True)
t.start()
time.sleep(0.2)  # let the watch connect before the first write

start = time.perf_counter()
for i in range(n):
    name = f"bench-{i}"
    sent[name] = time.perf_counter()
    status, _ = request(conn, "POST", base, {"metadata": {"name": name}, "data": {"i": str(i)}})
    assert status == 201, status
elapsed = time.perf_counter() - start
done.wait(30)

delays = sorted((seen[k] - sent[k]) * 1000 for k in sent if k in seen)
def pct(p):
    return delays[min(len(delays) - 1, int(len(delays) * p))] if delays else -1
t0 = time.perf_counter()
_, body = request(conn, "GET", base)
list_ms = (time.perf_counter() - t0) * 1000
items = len(json.loads(body)["items"])
rss_kb = 0
with open(f"/proc/{pid}/status") as f:
    for line in f:
        if line.startswith("VmRSS:"):
            rss_kb = int(line.split()[1])
print(f"objects={n} create_per_s={n / elapsed:.0f} watch_events={len(delays)} watch_p50_ms={pct(0.5):.2f} "
      f"watch_p99_ms={pct(0.99):.2f} list_items={items} list_ms={list_ms:.1f} rss_mb={rss_kb / 1024:.1f}")
