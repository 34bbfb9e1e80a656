-- Frontline store, schema 4: events (dated, located, sourced incidents with their figures) and
-- sites (camps, with their population over time), in the history of knowledge like states.
--
-- Each row is one version of a record: the whole record as JSON in `document` (figures and
-- observations included), with columns for SQL users. A re-import that changes a record
-- supersedes its row and inserts the new version; nothing is updated in place otherwise.

CREATE TABLE events (
    row           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL,
    kind          TEXT NOT NULL,
    grade         TEXT NOT NULL CHECK (grade IN ('confirmed', 'fair', 'weak', 'contested', 'discounted')),
    date_start    TEXT NOT NULL,             -- YYYY-MM-DD, the first day
    date_end      TEXT NOT NULL,             -- YYYY-MM-DD, the last day (inclusive)
    lon           REAL NOT NULL,
    lat           REAL NOT NULL,
    document      TEXT NOT NULL,             -- JSON: the event as in docs/events.md
    edit          INTEGER NOT NULL REFERENCES edits (id),
    superseded_by INTEGER REFERENCES edits (id),
    superseded_at INTEGER
) STRICT;
CREATE UNIQUE INDEX events_current ON events (id) WHERE superseded_by IS NULL;
CREATE INDEX events_by_days ON events (date_start, date_end);

CREATE TABLE sites (
    row           INTEGER PRIMARY KEY,
    id            TEXT NOT NULL,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    lon           REAL NOT NULL,
    lat           REAL NOT NULL,
    document      TEXT NOT NULL,             -- JSON: the site with its observations
    edit          INTEGER NOT NULL REFERENCES edits (id),
    superseded_by INTEGER REFERENCES edits (id),
    superseded_at INTEGER
) STRICT;
CREATE UNIQUE INDEX sites_current ON sites (id) WHERE superseded_by IS NULL;

-- What events and sites cite, so a re-import keeps the factions and sources they name.
CREATE VIEW cited_sources AS
    SELECT value AS source FROM events, json_each(events.document, '$.sources')
    UNION SELECT json_extract(f.value, '$.source') FROM events, json_each(events.document, '$.figures') AS f
    UNION SELECT value FROM sites, json_each(sites.document, '$.sources')
    UNION SELECT json_extract(o.value, '$.source') FROM sites, json_each(sites.document, '$.observations') AS o;
CREATE VIEW cited_factions AS
    SELECT value AS faction FROM events, json_each(events.document, '$.factions');
