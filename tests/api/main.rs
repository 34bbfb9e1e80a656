//! Integration tests, as one binary: import and validation, the HTTP API through the real route
//! table, the index against an oracle, and the facts of the Mosul data set.

mod big_boundaries;
mod dataset_meta;
mod edges;
mod editing;
mod editing_cli;
mod events;
mod events_validation;
mod export;
mod export_events;
mod export_formats;
mod fgb;
mod fronts;
mod gdal;
mod geometry_tiles;
mod helpers;
mod import;
mod index;
mod knowledge_oracle;
mod mosul;
mod mosul_events;
mod ogc;
mod ogc_events;
mod ogc_html;
mod ogc_meta;
mod ogc_query;
mod pg_sync;
mod reloads;
mod render;
mod robustness;
mod routes;
mod server;
mod stream;
mod tiles;
mod truth;
mod writes;
