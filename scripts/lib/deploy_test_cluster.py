#!/usr/bin/env python3
"""The cluster side of scripts/deploy-test: talks to the gateway's HTTP API and the WhatsApp Web simulator.

Subcommands (each prints one JSON line, exits non-zero with a message on a failed check):
  link     create sessions with a fixed auto-reply, link each with its own simulated phone (QR), wait WORKING
  spread   sessions per node from /api/cluster/assignments (all running where assigned)
  write    simulated customers write to every session until a stop file appears (log: JSON lines)
  verify   every message written was stored once and answered exactly once; no new device was linked
"""
import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request

ACCOUNT_BASE = 77050000000  # the salons' numbers: ACCOUNT_BASE + i
CUSTOMER_BASE = 77060000000  # one customer per salon: CUSTOMER_BASE + i
REPLY = "Thanks, we got your message."


def call(method, url, body=None, key=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("X-Api-Key", key)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode(errors="replace")
    except (urllib.error.URLError, OSError) as e:
        return 0, str(e)


def fail(message):
    print(json.dumps({"ok": False, "error": message}))
    sys.exit(1)


def names(n):
    return [f"s{i}" for i in range(1, n + 1)]


def until(what, seconds, probe, every=1.0):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        done, last = probe()
        if done:
            return last
        time.sleep(every)
    fail(f"{what} within {seconds} s (last: {last})")


def sessions_by_name(a):
    status, body = call("GET", f"{a.gw.split(',')[0]}/api/sessions?all=true", key=a.key)
    if status != 200:
        return {}
    return {s["name"]: s for s in body}


def cmd_link(a):
    gws = a.gw.split(",")
    for i, name in enumerate(names(a.sessions), start=1):
        gw = gws[i % len(gws)]  # any node accepts any call
        status, body = call(
            "POST", f"{gw}/api/sessions", {"name": name, "start": True, "config": {"autoReply": REPLY}}, a.key
        )
        if status not in (200, 201):
            fail(f"creating session {name} on {gw}: {status} {body}")
        phone = str(ACCOUNT_BASE + i)
        status, body = call("POST", f"{a.sim}/sim/accounts", {"phone": phone, "pushName": f"Salon {i}"})
        if status not in (200, 201, 409):
            fail(f"creating the simulated account {phone}: {status} {body}")

    def scanned(i, name):
        def probe():
            status, body = call("GET", f"{a.gw.split(',')[0]}/api/{name}/auth/qr?format=raw", key=a.key)
            if status == 200 and isinstance(body, dict) and body.get("value"):
                s2, b2 = call("POST", f"{a.sim}/sim/accounts/{ACCOUNT_BASE + i}/link", {"qr": body["value"]})
                return s2 == 201, (s2, b2)
            return False, (status, body)

        return probe

    for i, name in enumerate(names(a.sessions), start=1):
        until(f"session {name} showed a QR that the phone scanned", 180, scanned(i, name), 2)
    started = time.monotonic()

    def working():
        by = sessions_by_name(a)
        states = {n: by.get(n, {}).get("status") for n in names(a.sessions)}
        return all(s == "WORKING" for s in states.values()), states

    until("every session WORKING", 240, working, 2)
    print(json.dumps({"ok": True, "sessions": a.sessions, "working_after_s": round(time.monotonic() - started, 1)}))


def assignments(a):
    status, body = call("GET", f"{a.gw}/api/cluster/assignments", key=a.key)
    return body if status == 200 else None


def cmd_spread(a):
    def settled():
        rows = assignments(a)
        if rows is None or len(rows) < a.sessions:
            return False, rows
        per = {}
        for r in rows:
            per[r["node"]] = per.get(r["node"], 0) + 1
        ok = all(r["node"] == r.get("runningOn") for r in rows) and len(per) >= a.nodes
        if a.node and per.get(a.node, 0) < a.min_share:
            ok = False
        if a.absent and (per.get(a.absent, 0) > 0 or any(r.get("runningOn") == a.absent for r in rows)):
            ok = False
        return ok, per

    started = time.monotonic()
    per = until(f"sessions running spread over {a.nodes} nodes", a.timeout, settled, 2)
    print(json.dumps({"ok": True, "per_node": per, "after_s": round(time.monotonic() - started, 1)}))


def cmd_write(a):
    """One customer per salon writes a numbered message every interval, until the stop file exists."""
    log = open(a.log, "a", buffering=1)
    lock = threading.Lock()

    def customer(i):
        k = 0
        while not os.path.exists(a.stop):
            k += 1
            text = f"deploy-test {a.tag} c{i} m{k}"
            status, body = call(
                "POST", f"{a.sim}/sim/customers/{CUSTOMER_BASE + i}/messages", {"to": str(ACCOUNT_BASE + i), "text": text}
            )
            with lock:
                log.write(json.dumps({"i": i, "text": text, "status": status, "t": time.time()}) + "\n")
            time.sleep(a.interval)

    threads = [threading.Thread(target=customer, args=(i,), daemon=True) for i in range(1, a.sessions + 1)]
    for t in threads:
        t.start()
        time.sleep(a.interval / a.sessions)
    for t in threads:
        t.join()


def cmd_verify(a):
    written = {}
    with open(a.log) as f:
        for line in f:
            e = json.loads(line)
            if e["status"] != 201:
                fail(f"the simulator refused a customer's message: {e}")
            written.setdefault(e["i"], []).append(e["text"])
    total = sum(len(v) for v in written.values())

    def answered():
        state = {}
        done = True
        for i in range(1, a.sessions + 1):
            status, body = call("GET", f"{a.sim}/sim/accounts/{ACCOUNT_BASE + i}/sent?customer={CUSTOMER_BASE + i}")
            replies = len(body["messages"]) if status == 200 else -1
            state[i] = (len(written.get(i, [])), replies)
            done &= replies >= len(written.get(i, []))
        return done, state

    state = until("every customer message answered", a.timeout, answered, 3)
    time.sleep(10)  # a duplicate would arrive after the first answer
    _, state = answered()
    problems = []
    for i in range(1, a.sessions + 1):
        sent, replies = state[i]
        if replies != sent:
            problems.append(f"salon {i}: {sent} customer messages, {replies} replies")
        gw = a.gw.split(",")[0]
        status, body = call("GET", f"{gw}/api/s{i}/chats/{CUSTOMER_BASE + i}@c.us/messages?limit=1000", key=a.key)
        if status != 200:
            problems.append(f"salon {i}: history {status} {body}")
            continue
        inbound = [m["body"] for m in body if not m["fromMe"]]
        if sorted(inbound) != sorted(written.get(i, [])):
            lost = set(written.get(i, [])) - set(inbound)
            dup = len(inbound) - len(set(inbound))
            problems.append(f"salon {i}: stored {len(inbound)} of {sent} ({len(lost)} lost, {dup} duplicated)")
        status, body = call("GET", f"{a.sim}/sim/accounts/{ACCOUNT_BASE + i}/devices")
        if status != 200 or len(body["devices"]) != 1:
            problems.append(f"salon {i}: devices {body}")
    stats = call("GET", f"{a.sim}/sim/stats")[1]
    if stats.get("refusedLogins", 0) != 0:
        problems.append(f"the simulator refused {stats['refusedLogins']} logins")
    if problems:
        fail("; ".join(problems))
    by = sessions_by_name(a)
    not_working = [n for n in names(a.sessions) if by.get(n, {}).get("status") != "WORKING"]
    if not_working:
        fail(f"sessions not WORKING at the end: {not_working}")
    print(
        json.dumps(
            {
                "ok": True,
                "messages": total,
                "replies": sum(r for _, r in state.values()),
                "devices_per_salon": 1,
                "sim_logins": stats.get("logins"),
                "sim_conflicts": stats.get("conflicts"),
            }
        )
    )


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("link", "spread", "write", "verify"):
        s = sub.add_parser(name)
        s.add_argument("--gw", help="a node's base URL (link: several, comma-separated)")
        s.add_argument("--sim", help="the simulator's base URL")
        s.add_argument("--key", default=os.environ.get("WAGW_ADMIN_KEY"))
        s.add_argument("--sessions", type=int, default=6)
        s.add_argument("--nodes", type=int, default=2)
        s.add_argument("--node", help="spread: this node must run at least --min-share sessions")
        s.add_argument("--min-share", type=int, default=1)
        s.add_argument("--timeout", type=int, default=300)
        s.add_argument("--interval", type=float, default=4.0)
        s.add_argument("--log")
        s.add_argument("--stop")
        s.add_argument("--tag", default="a", help="write: marks this phase's messages")
        s.add_argument("--absent", help="spread: this node must run no session")
    a = p.parse_args()
    {"link": cmd_link, "spread": cmd_spread, "write": cmd_write, "verify": cmd_verify}[a.cmd](a)


if __name__ == "__main__":
    main()
