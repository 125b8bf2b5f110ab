"""Reads `perf script -F tid,event,trace,ip,sym` output of malloc/swift_retain/swift_release
uprobes (with call graphs) on stdin; prints calls per request by kind, then the top callers.
Usage: count-calls.py REQUESTS TOP"""
import collections
import sys

requests = max(int(sys.argv[1]), 1)
top = int(sys.argv[2])

records = []  # (tid, event, object, [frames])
current = None
for line in sys.stdin:
    if not line.strip():
        if current:
            records.append(current)
        current = None
        continue
    if not line.startswith("\t"):
        parts = line.split()
        event = parts[1].split(":")[1]
        obj = int(parts[-1].split("=")[1]) if "obj=" in line else 0
        current = (parts[0], event, obj, [])
    elif current is not None:
        frame = line.split(None, 1)
        if len(frame) > 1:
            current[3].append(frame[1].strip())
if current:
    records.append(current)

threads = collections.defaultdict(set)
for tid, event, obj, _ in records:
    if event != "malloc":
        threads[obj].add(tid)


def kind(event, obj):
    if event == "malloc":
        return "malloc"
    if obj <= 4096 or obj >= 1 << 47:
        return "nonptr"
    return "shared" if len(threads[obj]) > 1 else "local"


kinds = collections.Counter(kind(e, o) for _, e, o, _ in records)
refcounts = len(records) - kinds["malloc"]
print(f"requests counted: {requests}")
print("per request: " + ", ".join(f"{k} {v / requests:.1f}" for k, v in sorted(kinds.items()))
      + f"; retain+release {refcounts / requests:.1f}")

callers = collections.Counter()
for _, event, obj, frames in records:
    caller = frames[1] if len(frames) > 1 else "?"
    if event == "malloc":  # the first frame that is not the allocator itself
        caller = next((f for f in frames[1:] if not f.startswith(("swift_", "_int", "malloc", "__GI"))), caller)
    callers[(caller, kind(event, obj))] += 1
print(f"top {top} callers (calls per request, kind, caller):")
for (caller, k), v in callers.most_common(top):
    print(f"{v / requests:6.1f} {k:7s} {caller}")
