//! The HTTP layer: one route table, shared by the server and the tests. Handlers extract typed
//! parameters, ask the index, and map the answer to JSON; no SQL and no geometry maths here.

mod about;
pub mod access_log;
mod api;
mod audit;
pub mod auth;
mod changes;
mod edit;
mod edit_district;
mod event_params;
pub mod events;
pub mod export;
pub mod heavy;
pub mod knowledge;
mod maps;
pub mod ogc;
mod params;
pub mod prepared;
mod respond;
mod tiles;
mod views;

use std::path::PathBuf;
use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, web};
use arc_swap::ArcSwap;

use crate::domain::index::Index;
use crate::error::AppError;

/// The snapshot GeoJSON as served, for benchmarks and tools that need the bytes without HTTP.
#[must_use]
pub fn snapshot_json(
    index: &Index,
    at: crate::domain::time::Instant,
    bbox: Option<&crate::domain::geometry::Bbox>,
) -> Vec<u8> {
    // Geometries dominate the size: reserve for them up front rather than grow by doubling.
    let geometry_bytes: usize = index
        .districts
        .iter()
        .map(|d| d.geometry_json.get().len())
        .sum();
    let mut out = Vec::with_capacity(geometry_bytes + index.districts.len() * 512);
    serde_json::to_writer(&mut out, &api::snapshot_view(index, at, bbox)).expect("views serialise");
    out
}

/// What every handler shares: the current index, swapped whole when the store changes, the
/// export cache and the limit on heavy work.
pub struct AppState {
    pub index: ArcSwap<Index>,
    pub web_dir: Option<PathBuf>,
    pub tiles: Option<String>,
    pub exports: export::ExportCache,
    pub heavy: heavy::Heavy,
    /// Encoded vector tiles, by revision, tile and change interval.
    pub tile_cache: crate::tiles::cache::TileCache,
    /// The root URL links are built from (`--public-url`); `None` only in tests, where the
    /// request's own host is used.
    pub public_url: Option<String>,
    /// The single writer connection; `None` for a read-only server (tests and tools).
    pub writer: Option<Arc<auth::Writer>>,
    /// Told after each new index is installed: a thread computes its timeline and front
    /// history off the request path (several edits in a row are computed for once).
    pub warm: Option<std::sync::mpsc::Sender<()>>,
    /// The index as known at earlier instants.
    pub views: knowledge::Views,
    /// The web map's start-up reads, made and compressed once per revision.
    pub prepared: prepared::PreparedCache,
}

/// Memory kept for encoded vector tiles.
pub const TILE_CACHE_BYTES: usize = 256 << 20;

impl AppState {
    /// State over `index`, with exports cached in a private temporary directory.
    #[must_use]
    pub fn new(index: Index) -> Self {
        Self {
            index: ArcSwap::from_pointee(index),
            web_dir: None,
            tiles: None,
            exports: export::ExportCache::private(),
            heavy: heavy::Heavy::for_this_machine(),
            tile_cache: crate::tiles::cache::TileCache::new(TILE_CACHE_BYTES),
            public_url: None,
            writer: None,
            warm: None,
            views: knowledge::Views::default(),
            prepared: prepared::PreparedCache::default(),
        }
    }

    /// The index as of now; a reload in the meantime does not disturb a request in flight.
    #[must_use]
    pub fn current(&self) -> Arc<Index> {
        self.index.load_full()
    }
}

/// Registers every route. Used by `HttpServer::new` and by the tests alike. Every read answers
/// GET and HEAD (a HEAD has the headers of the GET, without the body), and carries CORS headers
/// for any origin: the data are public, and browser GIS tools live on other origins.
pub fn routes(cfg: &mut web::ServiceConfig) {
    macro_rules! read {
        ($path:literal, $handler:expr) => {
            web::resource($path)
                .route(web::get().to($handler))
                .route(web::head().to($handler))
        };
    }
    let known_at = || actix_web::middleware::from_fn(knowledge::take_parameter);
    cfg.app_data(web::QueryConfig::default().error_handler(query_error))
        .service(
            web::scope("/api")
                .wrap(known_at())
                .wrap(cors())
                .service(read!("/factions", api::factions).route(web::post().to(edit::add_record)))
                .service(read!("/sources", api::sources).route(web::post().to(edit::add_record)))
                .service(
                    read!("/districts", api::districts).route(web::post().to(edit::add_record)),
                )
                .service(read!("/districts.bin", tiles::district_table))
                .service(read!("/districts/{id}/history", api::history))
                .service(
                    web::resource("/districts/{id}/states")
                        .route(web::post().to(edit::record_state)),
                )
                .service(
                    read!("/states/{id}", edit::state_by_id)
                        .route(web::delete().to(edit::retract_state)),
                )
                .service(read!("/edits", audit::edits))
                .service(web::resource("/me").route(web::get().to(edit::me)))
                .service(read!("/snapshot", api::snapshot))
                .service(read!("/who", api::who))
                .service(read!("/states", api::states))
                .service(read!("/states.bin", tiles::state_stream))
                .service(read!("/borders", api::borders))
                .service(read!("/borders.bin", tiles::border_table))
                .service(read!("/blocks.bin", tiles::block_table))
                .service(read!("/frontline", api::frontline))
                .service(read!("/timeline", changes::timeline))
                .service(read!("/changes", changes::changes))
                .service(read!("/stats/area", changes::area))
                .service(read!("/events", events::events))
                .service(read!("/events.bin", events::event_stream))
                .service(read!("/events/weeks", events::weeks))
                .service(read!("/events/{id}", events::event))
                .service(read!("/sites", events::sites))
                .service(read!("/meta", about::meta))
                .service(read!("/regions", about::regions))
                .service(read!("/context/{id}", about::context))
                .service(read!("/export/{format}", export::export))
                .service(read!("/maps/report.{format}", maps::report))
                .default_service(web::to(api::no_such_endpoint)),
        )
        .service(
            web::scope("/tiles")
                .wrap(known_at())
                .wrap(cors())
                .service(read!("/control.json", tiles::tilejson))
                .service(read!("/control/{z}/{x}/{y}.mvt", tiles::control))
                .service(read!("/districts.json", tiles::geometry_tilejson))
                .service(read!("/districts/{z}/{x}/{y}.mvt", tiles::geometry))
                .default_service(web::to(api::no_such_endpoint)),
        )
        .configure(ogc::routes);
}

/// Cross-origin reads from anywhere; the headers a client may read: the ETag, the CRS, and what a
/// ranged download needs.
pub fn cors() -> actix_cors::Cors {
    use actix_web::http::header;
    actix_cors::Cors::default()
        .allow_any_origin()
        .allowed_methods(["GET", "HEAD"])
        .allow_any_header()
        .expose_headers([
            header::ETAG,
            header::CONTENT_LENGTH,
            header::CONTENT_RANGE,
            header::ACCEPT_RANGES,
            header::CONTENT_DISPOSITION,
            header::HeaderName::from_static("content-crs"),
        ])
        .max_age(86_400)
}

/// The web front end: its page, stylesheet and scripts, and MapLibre GL JS from its installed npm
/// packages, nothing else of the directory (not `package.json`, not other packages). Anything
/// else is a problem+json 404.
pub fn web_routes(cfg: &mut web::ServiceConfig, web_dir: Option<&std::path::Path>) {
    if let Some(dir) = web_dir {
        let page = dir.join("index.html");
        let stylesheet = dir.join("style.css");
        let file = |path: std::path::PathBuf| {
            move || {
                let path = path.clone();
                async move { actix_files::NamedFile::open_async(path).await }
            }
        };
        cfg.service(
            web::resource(["/", "/index.html"])
                .route(web::get().to(file(page.clone())))
                .route(web::head().to(file(page))),
        )
        .service(
            web::resource("/style.css")
                .route(web::get().to(file(stylesheet.clone())))
                .route(web::head().to(file(stylesheet))),
        )
        .service(
            actix_files::Files::new("/js", dir.join("js")).default_handler(web::to(no_such_file)),
        );
        let library = dir.join("node_modules/maplibre-gl/dist");
        if library.is_dir() {
            cfg.service(
                actix_files::Files::new("/vendor/maplibre-gl", library)
                    .default_handler(web::to(no_such_file)),
            );
        }
    }
    cfg.default_service(web::to(no_such_file));
}

async fn no_such_file(req: HttpRequest) -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound(format!(
        "nothing at {}: the web map is at /, the API at /api (see /api/meta) and the OGC API at /ogc",
        req.path()
    )))
}

fn query_error(err: actix_web::error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let detail = match &err {
        actix_web::error::QueryPayloadError::Deserialize(e) => e
            .to_string()
            .replace("unknown field", "unknown parameter")
            .replace("missing field", "missing parameter"),
        other => other.to_string(),
    };
    // Name the parameter at fault: `parameter `at`: …`, `unknown parameter `when`, …` or
    // `missing parameter `lon``; the query as a whole otherwise.
    let parameter = ["parameter `", "unknown parameter `", "missing parameter `"]
        .iter()
        .find_map(|prefix| detail.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next())
        .unwrap_or("query")
        .to_owned();
    AppError::invalid(parameter, detail).into()
}
