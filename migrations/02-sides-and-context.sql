-- Frontline store, schema 2: sides, source kinds, what a data set says of itself, context layers.

-- Factions with the same alliance fight on the same side; NULL: a side of its own.
ALTER TABLE factions ADD COLUMN alliance TEXT;

-- What sort of publisher a source is (NULL: not classified), and what is known to be missing.
ALTER TABLE sources ADD COLUMN kind TEXT CHECK (kind IS NULL OR kind IN
    ('wire', 'un', 'analyst', 'news', 'state-media', 'blog', 'forum', 'reference', 'aggregator'));
ALTER TABLE sources ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- dataset.json without its layer list: title, period, default view, regions, credits, … (one row).
CREATE TABLE dataset_meta (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    document TEXT NOT NULL             -- JSON object
) STRICT;

-- Context layers: geography drawn with the control map.
CREATE TABLE context_layers (
    id          TEXT PRIMARY KEY,
    ord         INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('water', 'bridge', 'road', 'landmark', 'place', 'admin', 'locator')),
    name        TEXT NOT NULL,
    attribution TEXT NOT NULL,
    features    TEXT NOT NULL           -- JSON array of GeoJSON Features, lon/lat
) STRICT;
