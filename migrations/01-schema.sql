-- Frontline store, schema 1: one data set per database.
-- Instants are integers: milliseconds since 1970-01-01T00:00:00Z (UTC).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Bumped by every import; a running server reloads its index when it changes.
INSERT INTO meta (key, value) VALUES ('revision', '0');

CREATE TABLE factions (
    id    TEXT PRIMARY KEY,
    ord   INTEGER NOT NULL,
    name  TEXT NOT NULL,
    color TEXT NOT NULL CHECK (color GLOB '#[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]')
) STRICT;

CREATE TABLE sources (
    id        TEXT PRIMARY KEY,
    ord       INTEGER NOT NULL,
    title     TEXT NOT NULL,
    publisher TEXT NOT NULL,
    published TEXT NOT NULL,
    url       TEXT NOT NULL
) STRICT;

CREATE TABLE districts (
    id         TEXT PRIMARY KEY,
    ord        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    alt_names  TEXT NOT NULL,          -- JSON array of strings
    grp        TEXT,
    properties TEXT NOT NULL,          -- JSON object: every other GeoJSON property
    geometry   BLOB NOT NULL           -- WKB (little-endian), Polygon or MultiPolygon, lon/lat
) STRICT;

CREATE TABLE control_states (
    id          INTEGER PRIMARY KEY,
    district    TEXT NOT NULL REFERENCES districts (id),
    status      TEXT NOT NULL CHECK (status IN ('held', 'contested')),
    valid_from  INTEGER NOT NULL,
    valid_to    INTEGER,               -- NULL: still holds
    confidence  TEXT NOT NULL CHECK (confidence IN ('confirmed', 'reported', 'claimed', 'estimated')),
    note        TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,      -- when this state entered the database
    CHECK (valid_to IS NULL OR valid_to > valid_from)
) STRICT;

CREATE INDEX control_states_by_district ON control_states (district, valid_from);

CREATE TABLE state_factions (
    state   INTEGER NOT NULL REFERENCES control_states (id) ON DELETE CASCADE,
    pos     INTEGER NOT NULL,
    faction TEXT NOT NULL REFERENCES factions (id),
    PRIMARY KEY (state, pos)
) STRICT, WITHOUT ROWID;

CREATE TABLE state_sources (
    state  INTEGER NOT NULL REFERENCES control_states (id) ON DELETE CASCADE,
    pos    INTEGER NOT NULL,
    source TEXT NOT NULL REFERENCES sources (id),
    PRIMARY KEY (state, pos)
) STRICT, WITHOUT ROWID;
