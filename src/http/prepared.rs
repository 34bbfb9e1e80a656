//! Prepared responses. The web map's start-up reads are the same for every visitor of a revision:
//! the district table, the state stream, the border and block tables and the regions. Made per
//! request, the largest took the server more time to write and compress than to send (the
//! 50,000-district GeoJSON list, which the map read before the table, is 12 MB, half a second of
//! Brotli on a busy core). Each is made once per revision, as it is believed now, and compressed
//! once in each encoding (Brotli at once, gzip the first time a client asks for it). It is kept
//! and sent to every client in the encoding it accepts. The warmer prepares the map's reads after
//! a start and after edits, so the first visitor does not wait either; the GeoJSON list is
//! prepared the first time it is asked for. Views of earlier knowledge are made per request.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use actix_web::http::header::{self, EntityTag};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use crate::domain::index::Index;
use crate::error::{AppError, Result};

/// The reads the web map makes on start-up that are prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Read {
    /// `/api/districts?geometry=none`
    DistrictList,
    /// `/api/districts.bin`
    DistrictTable,
    /// `/api/regions` without a selector
    Regions,
    /// `/api/states.bin`
    StateStream,
    /// `/api/borders.bin`
    BorderTable,
    /// `/api/blocks.bin`
    BlockTable,
}

impl Read {
    /// What the web map reads on start-up, prepared by the warmer. The GeoJSON list is not among
    /// them: the map reads the district table; the list is made when first asked for.
    pub const WARMED: [Self; 5] = [
        Self::DistrictTable,
        Self::Regions,
        Self::StateStream,
        Self::BorderTable,
        Self::BlockTable,
    ];

    fn content_type(self) -> &'static str {
        match self {
            Self::DistrictList => super::respond::GEOJSON,
            Self::DistrictTable => crate::tiles::district_table::MEDIA_TYPE,
            Self::Regions => super::respond::JSON,
            Self::StateStream => crate::tiles::stream::MEDIA_TYPE,
            Self::BorderTable => crate::tiles::geometry::BORDERS_MEDIA_TYPE,
            Self::BlockTable => crate::domain::blocks::MEDIA_TYPE,
        }
    }

    /// The body of the read over `index`.
    fn body(self, index: &Index) -> Vec<u8> {
        match self {
            Self::DistrictList => super::api::district_list(index),
            Self::DistrictTable => crate::tiles::district_table::encode(index),
            Self::Regions => super::about::region_list(index),
            Self::StateStream => crate::tiles::stream::encode(index),
            Self::BorderTable => crate::tiles::geometry::border_table(index),
            Self::BlockTable => crate::domain::blocks::table(index),
        }
    }
}

/// How a response body is sent, by the client's `Accept-Encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Br,
    Gzip,
    Identity,
}

impl Coding {
    /// The best coding `req` accepts: Brotli, gzip, or none.
    #[must_use]
    pub fn of(req: &HttpRequest) -> Self {
        let accepted = req
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if accepts(accepted, "br") {
            Self::Br
        } else if accepts(accepted, "gzip") {
            Self::Gzip
        } else {
            Self::Identity
        }
    }
}

/// A body with its ETag, Brotli-compressed, and gzipped on first need. Browsers accept Brotli
/// (over plain HTTP some offer gzip alone), so gzip is left out of the work done first after a
/// start, while a first visitor waits for it; the warmer makes it last.
#[derive(Debug)]
pub struct Prepared {
    content_type: &'static str,
    etag: EntityTag,
    identity: Bytes,
    gzip: OnceLock<Bytes>,
    br: Bytes,
}

impl Prepared {
    /// `body` compressed with Brotli (quality 5): done once, so a little slower and smaller than
    /// what is done on the fly.
    ///
    /// # Panics
    /// Never: compressing into memory does not fail.
    #[must_use]
    pub fn new(content_type: &'static str, body: Vec<u8>) -> Self {
        let etag = super::respond::etag_of(&body);
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 1 << 16, 5, 22);
            w.write_all(&body).expect("Brotli into memory");
        }
        Self {
            content_type,
            etag,
            identity: body.into(),
            gzip: OnceLock::new(),
            br: br.into(),
        }
    }

    /// The body gzipped (level 6), made on the first call. Blocking (megabytes for a country):
    /// call it off the async executor before [`Self::respond`] sends gzip.
    ///
    /// # Panics
    /// Never: compressing into memory does not fail.
    pub fn gzip(&self) -> &Bytes {
        self.gzip.get_or_init(|| {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
            gz.write_all(&self.identity).expect("gzip into memory");
            gz.finish().expect("gzip into memory").into()
        })
    }

    /// The response to `req`: 304 when it has these bytes, else them in the best encoding it
    /// accepts (Brotli, gzip, or none).
    #[must_use]
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        if super::respond::is_fresh(req, &self.etag) {
            return HttpResponse::NotModified()
                .insert_header(header::ETag(self.etag.clone()))
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .insert_header((header::VARY, "Accept-Encoding"))
                .finish();
        }
        let (coding, body) = match Coding::of(req) {
            Coding::Br => (Some("br"), &self.br),
            Coding::Gzip => (Some("gzip"), self.gzip()),
            Coding::Identity => (None, &self.identity),
        };
        let mut response = HttpResponse::Ok();
        response
            .insert_header(header::ETag(self.etag.clone()))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header((header::VARY, "Accept-Encoding"))
            .content_type(self.content_type);
        // A body that says its encoding is passed by the compressing middleware as it is.
        if let Some(coding) = coding {
            response.insert_header((header::CONTENT_ENCODING, coding));
        }
        response.body(body.clone())
    }
}

/// Answers `req` with `read` over the index it asks for: prepared when it asks for the map as
/// believed now, made for it alone (and compressed on the way out) when it asks for the map as
/// known at an earlier instant.
///
/// # Errors
/// Only if the blocking task fails.
pub async fn serve(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    read: Read,
) -> Result<HttpResponse> {
    enum Made {
        Kept(Arc<Prepared>),
        Once(Vec<u8>),
    }
    let index = state.view(req);
    let cache = state.clone();
    let coding = Coding::of(req);
    // Writing and compressing take up to a second for a country: off the executor.
    let made = web::block(move || match index.knowledge {
        None => {
            let prepared = cache.prepared.get(read, &index);
            if coding == Coding::Gzip {
                prepared.gzip();
            }
            Made::Kept(prepared)
        }
        Some(_) => Made::Once(read.body(&index)),
    })
    .await
    .map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))?;
    Ok(match made {
        Made::Kept(prepared) => prepared.respond(req),
        Made::Once(body) => super::respond::bytes(req, read.content_type(), body),
    })
}

/// Whether an `Accept-Encoding` value accepts `coding` (named, with a weight above zero).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|part| {
        let mut params = part.split(';');
        let name = params.next().unwrap_or("").trim();
        let weight = params
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        name.eq_ignore_ascii_case(coding) && weight > 0.0
    })
}

/// The prepared reads of the newest revision, one slot per read: a slot is made once, by the
/// first request or the warmer, while the others wait for it.
#[derive(Debug, Default)]
pub struct PreparedCache {
    slots: Mutex<HashMap<Read, Arc<Slot>>>,
}

#[derive(Debug)]
struct Slot {
    revision: i64,
    made: OnceLock<Arc<Prepared>>,
}

impl PreparedCache {
    /// `read` over `index`, made now if this revision has none yet. Blocking (it may compress
    /// megabytes): run it off the async executor.
    pub fn get(&self, read: Read, index: &Index) -> Arc<Prepared> {
        let slot = {
            let mut slots = self
                .slots
                .lock()
                .expect("the prepared cache is not poisoned");
            let slot = slots
                .entry(read)
                .or_insert_with(|| Slot::new(index.revision));
            // An older revision is replaced; a request still on one older than kept makes its
            // own without keeping it.
            if slot.revision < index.revision {
                *slot = Slot::new(index.revision);
            }
            if slot.revision == index.revision {
                Some(slot.clone())
            } else {
                None
            }
        };
        let make = || Arc::new(Prepared::new(read.content_type(), read.body(index)));
        match slot {
            Some(slot) => slot.made.get_or_init(make).clone(),
            None => make(),
        }
    }

    /// Gzips every read over `index`, after [`Self::warm`] and what else a visitor waits for.
    pub fn warm_gzip(&self, index: &Index) {
        for read in Read::WARMED {
            self.get(read, index).gzip();
        }
    }

    /// Prepares every read over `index` (the warmer's work after a start or edits).
    pub fn warm(&self, index: &Index) {
        for read in Read::WARMED {
            let started = std::time::Instant::now();
            self.get(read, index);
            tracing::debug!(?read, ms = started.elapsed().as_millis(), "prepared");
        }
    }
}

impl Slot {
    fn new(revision: i64) -> Arc<Self> {
        Arc::new(Self {
            revision,
            made: OnceLock::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn an_encoding_is_accepted_when_named_with_a_weight_above_zero() {
        let chrome = "gzip, deflate, br, zstd";
        assert!(accepts(chrome, "br") && accepts(chrome, "gzip"));
        assert!(!accepts("gzip, deflate", "br"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(accepts("br;q=0.5, gzip;q=1.0", "br"));
        assert!(accepts("BR", "br"));
        assert!(!accepts("", "gzip"));
        assert!(!accepts("identity", "gzip"));
    }
}
