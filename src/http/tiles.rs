//! Vector tiles: dated ones, `/tiles/control/{z}/{x}/{y}.mvt?at=T`, and the geometry without
//! time, `/tiles/districts/{z}/{x}/{y}.mvt?v=VERSION`, with their TileJSON documents; the table
//! of borders that colours the geometry's borders, `/api/borders.bin`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::params::{GeometryTileQuery, NoQuery, TileQuery};
use super::{AppState, prepared, respond};
use crate::domain::tiles::TileId;
use crate::error::{AppError, Result};
use crate::tiles;

/// A tile's path numbers, or a problem naming the one that is not a number or not on the grid.
fn tile_id(z: &str, x: &str, y: &str) -> Result<TileId> {
    let number = |name: &str, v: &str| {
        v.parse::<u32>().map_err(|_| {
            AppError::invalid(
                name,
                format!(
                    "'{v}' is not a tile {name}: tiles are at {{z}}/{{x}}/{{y}}.mvt, whole numbers"
                ),
            )
        })
    };
    let (z, x, y) = (number("z", z)?, number("x", x)?, number("y", y)?);
    TileId::new(z, x, y).map_err(|detail| AppError::invalid("z/x/y", detail))
}

pub async fn control(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    q: web::Query<TileQuery>,
) -> Result<HttpResponse> {
    let (z, x, y) = path.into_inner();
    let tile = tile_id(&z, &x, &y)?;
    let index = state.view(&req);
    let at = q.at.unwrap_or_else(super::api::now);
    let key = tiles::cache::Key::new(&index, tile, at);
    cached_tile(&req, &state, key, move || {
        tiles::control_tile(&index, tile, at)
    })
    .await
}

/// The tile of `key` from the cache, made off the executor by `make` when it is not kept: 200
/// with its bytes, or 204 for an empty tile, as tile servers answer it.
async fn cached_tile(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    key: tiles::cache::Key,
    make: impl FnOnce() -> std::result::Result<Option<Vec<u8>>, fast_mvt::MvtError> + Send + 'static,
) -> Result<HttpResponse> {
    let cache = state.clone();
    let made = web::block(move || cache.tile_cache.get_or_make(key, make))
        .await
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))?
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("tile encoding")))?;
    Ok(match made.as_ref() {
        Some(bytes) => respond::bytes(req, tiles::MEDIA_TYPE, bytes.clone()),
        None => HttpResponse::NoContent().finish(),
    })
}

pub async fn tilejson(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<TileQuery>,
) -> HttpResponse {
    let base = super::ogc::base_url(&req);
    let root = base.strip_suffix("/ogc").unwrap_or(&base);
    let doc = tiles::tilejson(&state.view(&req), root, q.at);
    respond::json(&req, respond::JSON, &doc)
}

/// Every hand-over as the binary stream of [`tiles::stream`].
pub async fn state_stream(
    req: HttpRequest,
    state: web::Data<AppState>,
    _q: web::Query<super::params::NoQuery>,
) -> Result<HttpResponse> {
    prepared::serve(&req, &state, prepared::Read::StateStream).await
}

/// A tile of district outlines, borders and label anchors, the same at every instant and
/// whatever is known. Asked for with the current version (`v`, as the TileJSON gives it) it may
/// be cached for good: edits of states change it only when they bring the front to a border it
/// never ran along.
pub async fn geometry(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    q: web::Query<GeometryTileQuery>,
) -> Result<HttpResponse> {
    let (z, x, y) = path.into_inner();
    let tile = tile_id(&z, &x, &y)?;
    let index = state.current();
    // Finding which borders the front ever runs along takes a pass over the history.
    let version = {
        let index = index.clone();
        web::block(move || index.tiles_version())
            .await
            .map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))?
    };
    let current = q.v == Some(version);
    let key = tiles::cache::Key::geometry(&index, tile);
    let mut response = cached_tile(&req, &state, key, move || {
        tiles::geometry::geometry_tile(&index, tile)
    })
    .await?;
    if current {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    Ok(response)
}

/// The outline tiles' TileJSON. The tiles are the current ones whatever is known, and so is
/// the version their URLs carry.
pub async fn geometry_tilejson(
    req: HttpRequest,
    state: web::Data<AppState>,
    _q: web::Query<NoQuery>,
) -> Result<HttpResponse> {
    let base = super::ogc::base_url(&req);
    let root = base.strip_suffix("/ogc").unwrap_or(&base).to_owned();
    let index = state.current();
    // The version needs a pass over the history on first use: off the executor.
    let doc = web::block(move || tiles::geometry::tilejson(&index, &root))
        .await
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))?;
    Ok(respond::json(&req, respond::JSON, &doc))
}

/// Which block each district is in at the low zooms, as [`crate::domain::blocks::table`] lays it out.
pub async fn block_table(
    req: HttpRequest,
    state: web::Data<AppState>,
    _q: web::Query<NoQuery>,
) -> Result<HttpResponse> {
    prepared::serve(&req, &state, prepared::Read::BlockTable).await
}

/// Every district's box, label point, area and names, as [`tiles::district_table`] lays it out:
/// what the web map starts from.
pub async fn district_table(
    req: HttpRequest,
    state: web::Data<AppState>,
    _q: web::Query<NoQuery>,
) -> Result<HttpResponse> {
    prepared::serve(&req, &state, prepared::Read::DistrictTable).await
}

/// The districts each border lies between, as [`tiles::geometry::border_table`] lays it out.
/// The borders are found on first use (seconds for a country), then kept with the index.
pub async fn border_table(
    req: HttpRequest,
    state: web::Data<AppState>,
    _q: web::Query<NoQuery>,
) -> Result<HttpResponse> {
    prepared::serve(&req, &state, prepared::Read::BorderTable).await
}
