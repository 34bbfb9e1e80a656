//! The HTTP layer: one route table, shared by the server and the tests. Handlers extract typed
//! parameters, ask the index, and map the answer to JSON; no SQL and no geometry maths here.

mod about;
mod api;
mod changes;
mod export;
mod maps;
pub mod ogc;
mod params;
mod respond;
mod views;

use std::path::PathBuf;
use std::sync::Arc;

use actix_web::{HttpRequest, web};
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

/// What every handler shares: the current index, swapped whole when the store changes.
pub struct AppState {
    pub index: ArcSwap<Index>,
    pub web_dir: Option<PathBuf>,
    pub tiles: Option<String>,
}

impl AppState {
    #[must_use]
    pub fn new(index: Index) -> Self {
        Self {
            index: ArcSwap::from_pointee(index),
            web_dir: None,
            tiles: None,
        }
    }

    /// The index as of now; a reload in the meantime does not disturb a request in flight.
    #[must_use]
    pub fn current(&self) -> Arc<Index> {
        self.index.load_full()
    }
}

/// Registers every route. Used by `HttpServer::new` and by the tests alike.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(query_error))
        .service(
            web::scope("/api")
                .route("/factions", web::get().to(api::factions))
                .route("/sources", web::get().to(api::sources))
                .route("/districts", web::get().to(api::districts))
                .route("/districts/{id}/history", web::get().to(api::history))
                .route("/snapshot", web::get().to(api::snapshot))
                .route("/who", web::get().to(api::who))
                .route("/states", web::get().to(api::states))
                .route("/borders", web::get().to(api::borders))
                .route("/frontline", web::get().to(api::frontline))
                .route("/timeline", web::get().to(changes::timeline))
                .route("/changes", web::get().to(changes::changes))
                .route("/stats/area", web::get().to(changes::area))
                .route("/meta", web::get().to(about::meta))
                .route("/regions", web::get().to(about::regions))
                .route("/context/{id}", web::get().to(about::context))
                .route("/export/{format}", web::get().to(export::export))
                .route("/maps/report.{format}", web::get().to(maps::report))
                .default_service(web::to(api::no_such_endpoint)),
        )
        .configure(ogc::routes);
}

/// The web front end at `/`, and Leaflet from the front end's installed npm packages.
pub fn web_routes(cfg: &mut web::ServiceConfig, web_dir: Option<&std::path::Path>) {
    let Some(dir) = web_dir else { return };
    let leaflet = dir.join("node_modules/leaflet/dist");
    if leaflet.is_dir() {
        cfg.service(actix_files::Files::new("/vendor/leaflet", leaflet));
    }
    cfg.service(actix_files::Files::new("/", dir).index_file("index.html"));
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
