//! The command line: every subcommand and option, with environment fallbacks for the server.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::domain::geometry::Bbox;
use crate::domain::time::Instant;
use crate::storage::DbLocation;

#[derive(Debug, Parser)]
#[command(
    name = "frontline",
    version,
    about = "Who held what, when: a sourced history of district control"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once (its last line is the token alone); only its hash is kept.
    Create {
        #[arg(long, env = "FRONTLINE_DB", default_value = "frontline.db")]
        db: DbLocation,
        /// Who the token is for; recorded as the author of every edit made with it.
        #[arg(long)]
        name: String,
        /// `editor` (records and corrects control, adds sources) or `admin` (also adds
        /// districts and factions).
        #[arg(long)]
        role: crate::storage::Role,
    },
    /// List the tokens (names, roles, when created and revoked; never the tokens).
    List {
        #[arg(long, env = "FRONTLINE_DB", default_value = "frontline.db")]
        db: DbLocation,
    },
    /// Revoke a token: requests with it get 401 from now on.
    Revoke {
        #[arg(long, env = "FRONTLINE_DB", default_value = "frontline.db")]
        db: DbLocation,
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load a data set directory into the database, all or nothing.
    Import {
        /// Data set directory (factions.csv, sources.csv, districts.geojson, control.csv).
        dir: PathBuf,
        #[arg(long, env = "FRONTLINE_DB", default_value = "frontline.db")]
        db: DbLocation,
    },
    /// Validate a data set directory without writing anything.
    Check { dir: PathBuf },
    /// Write the stored data set: to a directory in the format `import` reads, or to one file
    /// (GeoPackage, KML, CSV or the GeoJSON timeline).
    Export {
        /// Directory (`--format dir`) or file to write.
        out: PathBuf,
        #[arg(long, env = "FRONTLINE_DB", default_value = "frontline.db")]
        db: DbLocation,
        /// `dir`, `gpkg`, `kml`, `csv`, `geojson`, `fgb` or `parquet`; by default from OUT's extension, else
        /// `dir`.
        #[arg(long)]
        format: Option<crate::export::Format>,
    },
    /// Serve the API and the web map. A new database is filled with the shipped data set first.
    Serve(ServeArgs),
    /// Draw a report map of one date as SVG, PNG or PDF (from the extension of --out).
    Render(RenderArgs),
    /// Manage the bearer tokens that writers send (reads need none).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write a large, deterministic synthetic data set (for tests and benchmarks).
    Synth {
        #[arg(long, default_value_t = 1000)]
        districts: usize,
        #[arg(long, default_value_t = 20_000)]
        states: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Width of a river through the middle, metres (0 to 600; 0: none). The front follows it.
        #[arg(long, default_value_t = 0.0)]
        river_m: f64,
        /// Events scattered over the districts and the three years (0: none).
        #[arg(long, default_value_t = 0)]
        events: usize,
        dir: PathBuf,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// The store: a SQLite file, or postgres://user:password@host:5432/dbname (docs/postgres.md).
    #[arg(long, env = "FRONTLINE_DB", default_value = "frontline.db")]
    pub db: DbLocation,
    #[arg(long, env = "FRONTLINE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Data set imported when the database is new or empty.
    #[arg(long, env = "FRONTLINE_SEED_DATA", default_value = "data/mosul")]
    pub seed_data: PathBuf,
    /// Directory of the web front end, served at `/`.
    #[arg(long, env = "FRONTLINE_WEB", default_value = "web")]
    pub web: PathBuf,
    /// XYZ tile URL template for an optional basemap, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
    #[arg(long, env = "FRONTLINE_TILES")]
    pub tiles: Option<String>,
    /// Attribution shown with the basemap.
    #[arg(
        long,
        env = "FRONTLINE_TILES_ATTRIBUTION",
        default_value = "© OpenStreetMap contributors"
    )]
    pub tiles_attribution: String,
    /// Seconds between checks for a newer import in the database.
    #[arg(long, default_value_t = 2.0)]
    pub reload_interval: f64,
    /// The address clients reach the server at, e.g. `https://frontline.example.org` (a path
    /// prefix is kept). Links in the OGC API are built from it, never from request headers.
    /// Default: `http://` and the listen address.
    #[arg(long, env = "FRONTLINE_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
    /// Log one in N requests that succeed or fail on the client's side (1: every request, 0:
    /// none). Server errors (5xx) are always logged.
    #[arg(long, env = "FRONTLINE_ACCESS_LOG_SAMPLE", default_value_t = 100)]
    pub access_log_sample: u64,
    /// Seconds a client may take no data at all before its connection is dropped (a download
    /// read at a trickle, or not at; TCP_USER_TIMEOUT, Linux). 0: never.
    #[arg(long, env = "FRONTLINE_STALL_TIMEOUT", default_value_t = 60.0)]
    pub stall_timeout: f64,
}

/// An absolute `http(s)` URL without query or fragment, trailing `/` dropped.
///
/// # Errors
/// A message saying what a public URL looks like.
pub fn parse_public_url(s: &str) -> Result<String, String> {
    let trimmed = s.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !r.contains(['?', '#', ' ']) => {
            Ok(trimmed.to_owned())
        }
        _ => Err(format!(
            "'{s}' is not a public URL: expected http:// or https://, a host and optionally a port and path, \
             e.g. https://frontline.example.org or http://10.0.0.5:8080/frontline"
        )),
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct RenderArgs {
    #[arg(long, env = "FRONTLINE_DB", default_value = "frontline.db")]
    pub db: DbLocation,
    /// The date (YYYY-MM-DD, midnight UTC) or RFC 3339 instant to show.
    #[arg(long)]
    pub at: Instant,
    /// The file to write: .svg, .png or .pdf. Written whole or not at all.
    #[arg(long)]
    pub out: PathBuf,
    /// Page width, px (400 to 5000; default 1600). Not with --paper.
    #[arg(long)]
    pub width: Option<u32>,
    /// Page height, px (400 to 5000; default 1200). Not with --paper.
    #[arg(long)]
    pub height: Option<u32>,
    /// Paper size instead of pixels: a4, a3 or letter (the PDF is that size).
    #[arg(long)]
    pub paper: Option<crate::render::Paper>,
    /// With --paper: portrait or landscape (default landscape).
    #[arg(long)]
    pub orientation: Option<crate::render::Orientation>,
    /// With --paper: resolution, 72 to 600 dots per inch (default 150).
    #[arg(long)]
    pub dpi: Option<u32>,
    /// Area to frame, minLon,minLat,maxLon,maxLat; by default the data set's core.
    #[arg(long, allow_hyphen_values = true)]
    pub bbox: Option<Bbox>,
    /// Emphasise what changed hands since this date and add a gained/lost table.
    #[arg(long)]
    pub since: Option<Instant>,
    /// Title instead of the place and the date.
    #[arg(long)]
    pub title: Option<String>,
    /// One line under the title.
    #[arg(long)]
    pub standfirst: Option<String>,
    /// Draws the events of this many days up to `--at` (`7d`), with a key and their sources.
    #[arg(long, value_parser = crate::render::parse_event_window)]
    pub events: Option<u32>,
}
