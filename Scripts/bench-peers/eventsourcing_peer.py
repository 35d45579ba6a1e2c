"""The peer for Scripts/bench: the same history in Python's `eventsourcing` library (9.5.6), on SQLite.

    python eventsourcing_peer.py append HISTORY.jsonl DB IDS   → "<events> <seconds>"
    python eventsourcing_peer.py replay DB IDS                 → "<events> <seconds>"

append: reads the generated JSON lines and records each as one event carrying that line's payload
(the decoded object: type, effective, data) on the aggregate it is about: a project, a budget line,
a decision or a theme (as the history's events are), the first line of each being the event that
creates it. The aggregates are kept in memory while appending and saved in batches of BATCH events:
one `Application.save(*aggregates)` per batch, i.e. one SQLite transaction inserting all their
pending events (executemany), as the library's Application.save is meant to be used for many
aggregates at once. Writes the aggregate ids to IDS (a list a real application would keep too).

replay: a new application (no aggregate cache, as by default) reconstructs every aggregate with
`app.repository.get(id)`: each one's stored events are selected, decoded into domain event objects
and applied in order, folding the payloads into the aggregate's state (the lead of a project, its
latest indicator values, a budget line's amount, a decision's outcome…) — the equivalent of a cold
replay into the views.

Times are taken inside this process after the imports: the interpreter's start-up is not counted.
Scripts/bench runs it with `python -O` (asserts off, as in production): on Python 3.11 the assert in
the library's project_aggregate, an isinstance check against a runtime Protocol, doubles the replay.
"""

import json
import os
import sys
import time
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

BATCH = 10_000


def configure(db: str) -> dict:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": db}


def fold(state: "Entity", line: dict) -> None:
    """What the views keep of one event."""
    t, data = line["type"], line["data"]
    state.events += 1
    state.effective = line["effective"]
    if t == "indicator-recorded":
        state.indicators[data["indicator"] + "@" + data["period"]] = data["value"]
        state.sources[data["source"]["document"]] = data["source"]["quote"]
    elif t == "project-changed":
        state.lead = data["lead"]
        state.sources[data["source"]["document"]] = data["source"]["quote"]
    elif t == "budget-amended":
        state.amount_cents += data["deltaCents"]
        state.reasons.append(data["reason"])
    elif t == "budget-line-opened":
        state.amount_cents = data["amountCents"]
        state.name = data["name"]
    elif t in ("project-started", "theme-defined"):
        state.name = data["name"]
    elif t == "decision-recorded":
        state.name = data["title"]
        state.outcome = data["outcome"]
        state.date = data["date"]


class Entity(Aggregate):
    """A project, a budget line, a decision or a theme: whatever the history's events are about."""

    @staticmethod
    def create_id(key: str) -> UUID:
        return uuid5(NAMESPACE_URL, "koers-bench:" + key)

    @event("Started")
    def __init__(self, key: str, line: dict) -> None:
        self.key = key
        self.events = 0
        self.effective = ""
        self.name = ""
        self.lead = ""
        self.outcome = ""
        self.date = ""
        self.amount_cents = 0
        self.indicators: dict = {}
        self.sources: dict = {}
        self.reasons: list = []
        fold(self, line)

    @event("Recorded")
    def record(self, line: dict) -> None:
        fold(self, line)


class Programme(Application[UUID]):
    pass


def key_of(line: dict) -> str:
    data = line["data"]
    for member in ("project", "line", "decision", "theme"):
        if member in data:
            return member + "/" + str(data[member])
    return "other/" + line["type"]


def append(history: str, db: str, ids_path: str) -> None:
    start = time.perf_counter()
    app = Programme(env=configure(db))
    entities: dict = {}
    touched: dict = {}
    count = 0
    with open(history, encoding="utf-8") as f:
        for raw in f:
            line = json.loads(raw)
            key = key_of(line)
            entity = entities.get(key)
            if entity is None:
                entity = Entity(key=key, line=line)
                entities[key] = entity
            else:
                entity.record(line)
            touched[key] = entity
            count += 1
            if count % BATCH == 0:
                app.save(*touched.values())
                touched.clear()
    if touched:
        app.save(*touched.values())
    elapsed = time.perf_counter() - start
    app.close()
    with open(ids_path, "w", encoding="utf-8") as f:
        json.dump([str(e.id) for e in entities.values()], f)
    print(count, elapsed)


def replay(db: str, ids_path: str) -> None:
    with open(ids_path, encoding="utf-8") as f:
        ids = [UUID(i) for i in json.load(f)]
    start = time.perf_counter()
    app = Programme(env=configure(db))
    count = 0
    for i in ids:
        entity = app.repository.get(i)
        count += entity.events
    elapsed = time.perf_counter() - start
    app.close()
    print(count, elapsed)


def main(args: list) -> None:
    if args[:1] == ["append"] and len(args) == 4:
        append(*args[1:4])
    elif args[:1] == ["replay"] and len(args) == 3:
        replay(*args[1:3])
    else:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        sys.exit(64)


if __name__ == "__main__":
    # Run as the module it is, so the stored events' topics name "eventsourcing_peer", not "__main__".
    import eventsourcing_peer

    eventsourcing_peer.main(sys.argv[1:])
