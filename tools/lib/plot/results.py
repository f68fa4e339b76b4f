"""Reading one mailsim results database, read-only, for a figure."""
import os
import sqlite3
import urllib.parse

APPLICATION_ID = 1835100524  # 'mail': PRAGMA application_id of every results database


class BadInput(Exception):
    """A problem with what the user asked for; reported in one line with exit 2."""


# ---------------------------------------------------------------- reading the results

class Results:
    """One results database, opened read-only; label names it in legends."""

    def __init__(self, path, label=None):
        if not os.path.exists(path):
            raise BadInput(f"{path}: no such file")
        if not os.path.isfile(path):
            raise BadInput(f"{path}: not a file")
        uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
        self.path = path
        self.db = sqlite3.connect(uri, uri=True)
        try:
            app_id = self.db.execute("PRAGMA application_id").fetchone()[0]
        except sqlite3.DatabaseError as e:
            raise BadInput(f"{path}: not a mailsim results database ({e})") from None
        if app_id != APPLICATION_ID:
            raise BadInput(f"{path}: not a mailsim results database "
                           f"(application_id {app_id}, expected {APPLICATION_ID})")
        run = self.db.execute("SELECT scenario, seed, sim_end_s, record_level FROM run").fetchone()
        if run is None:
            raise BadInput(f"{path}: the run table is empty (the run never started)")
        self.scenario, self.seed, self.sim_end_s, self.record_level = run
        self.label = label or self.scenario

    def rows(self, sql, *args):
        return self.db.execute(sql, args).fetchall()

    def require(self, table, hint):
        """Raises BadInput unless TABLE has rows; HINT says how to get them."""
        if self.db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None:
            raise BadInput(f"{self.path}: {table} is empty (record level {self.record_level}): "
                           f"{hint}")

    def retry_policy(self):
        """The retry law of the MTA that made the most failed attempts, where the schema
        records it (node.retry_policy, from version 2); None otherwise."""
        if "retry_policy" not in {c[1] for c in self.rows("PRAGMA table_info(node)")}:
            return None
        found = self.rows("SELECT n.retry_policy FROM attempt a JOIN node n ON n.name = a.from_node "
                          "WHERE a.outcome <> 'sent' AND n.retry_policy IS NOT NULL "
                          "GROUP BY n.retry_policy ORDER BY COUNT(*) DESC LIMIT 1")
        return found[0][0] if found else None

    def end_s(self):
        """When the simulation stopped (the last recorded time if the run never ended)."""
        if self.sim_end_s is not None:
            return self.sim_end_s
        return self.rows("SELECT MAX(t) FROM (SELECT MAX(ended_s) t FROM attempt "
                         "UNION ALL SELECT MAX(arrived_s) FROM hop)")[0][0] or 0.0


ATTEMPTS_HINT = "record with --record attempts or full"

