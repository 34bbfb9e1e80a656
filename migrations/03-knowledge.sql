-- Frontline store, schema 3: a history of knowledge (bitemporal control states), edits, tokens.
--
-- Valid time is [valid_from, valid_to), as before. Transaction time is [recorded_at,
-- superseded_at): the span during which the database held a state to be true. Nothing is updated
-- in place or deleted: a correction supersedes the states it replaces and records new ones.

-- One accepted write: an import that changed something, or one edit made through the API.
CREATE TABLE edits (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,          -- ms UTC; never earlier than an earlier edit's
    author  TEXT NOT NULL,             -- the token's name, or 'import'
    kind    TEXT NOT NULL CHECK (kind IN ('import', 'record', 'retract', 'source', 'faction', 'district')),
    comment TEXT NOT NULL
) STRICT;

-- The edit that recorded a state, and the one that stopped believing it (NULL: still believed).
ALTER TABLE control_states ADD COLUMN edit INTEGER REFERENCES edits (id);
ALTER TABLE control_states ADD COLUMN superseded_by INTEGER REFERENCES edits (id);
ALTER TABLE control_states ADD COLUMN superseded_at INTEGER;

-- States stored before this schema were recorded by one import, at the earliest recorded_at.
INSERT INTO edits (id, at, author, kind, comment)
    SELECT 1, first, 'import', 'import', 'the data set as stored before edits were recorded'
    FROM (SELECT MIN(recorded_at) AS first FROM control_states) WHERE first IS NOT NULL;
UPDATE control_states SET edit = 1;

CREATE INDEX control_states_current ON control_states (district, valid_from) WHERE superseded_by IS NULL;
CREATE INDEX control_states_by_edit ON control_states (edit);
CREATE INDEX control_states_by_superseding_edit ON control_states (superseded_by) WHERE superseded_by IS NOT NULL;

-- A district, faction or source a re-import no longer carries, kept because stored states cite it.
ALTER TABLE districts ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));
ALTER TABLE factions ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));
ALTER TABLE sources ADD COLUMN retired INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1));

-- Who may write: a bearer token is stored as its SHA-256 only.
CREATE TABLE tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
    sha256     BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
