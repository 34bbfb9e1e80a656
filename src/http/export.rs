//! `GET /api/export/{format}`: the whole history as a file to download (GeoPackage, KML, CSV, the
//! GeoJSON timeline or FlatGeobuf).
//!
//! Each export is written once per data revision into the server's export cache (a directory only
//! it writes to) and served from there as a file: with `HEAD`, byte ranges (`Range`, `If-Range`)
//! and validators, so GDAL's `/vsicurl/` and QGIS's "Add layer → HTTP(S)" open it in place; the
//! body is streamed from disk, so a slow reader holds a file handle, not the export in memory.
//! Writing takes a turn at heavy work (see [`super::heavy`]), and one request writes a given
//! export while the others wait for it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use actix_files::NamedFile;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use super::params::NoQuery;
use crate::domain::index::Index;
use crate::error::{AppError, Result};
use crate::export::{self, Format};

/// Where exports are kept, one file per format and data revision.
#[derive(Debug)]
pub struct ExportCache {
    dir: PathBuf,
    /// Keeps a private directory alive when the cache was made without one.
    _owned: Option<tempfile::TempDir>,
    /// One lock per format: a single writer per export.
    writing: Mutex<HashMap<Format, Arc<Mutex<()>>>>,
}

impl ExportCache {
    /// A cache in `dir` (created, and cleared of the temporary files a crash left there).
    ///
    /// # Errors
    /// When the directory cannot be created or listed.
    pub fn in_dir(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        let removed = crate::files::remove_leftovers(dir)?;
        if removed > 0 {
            tracing::info!(removed, dir = %dir.display(), "removed half-written exports left by a crash");
        }
        Ok(Self {
            dir: dir.to_owned(),
            _owned: None,
            writing: Mutex::new(HashMap::new()),
        })
    }

    /// A cache in a new private temporary directory, removed with the cache.
    ///
    /// # Panics
    /// When no temporary directory can be made.
    #[must_use]
    pub fn private() -> Self {
        let owned = tempfile::Builder::new()
            .prefix("frontline-exports-")
            .tempdir()
            .expect("a private temporary directory");
        let mut cache = Self::in_dir(owned.path()).expect("a new directory can be listed");
        cache._owned = Some(owned);
        cache
    }

    /// Where the export of `index` as `format` is kept: `r{revision}` and, for the map as known
    /// at an earlier instant, `-k{ms}`.
    fn path(&self, index: &Index, format: Format) -> PathBuf {
        let knowledge = index
            .knowledge
            .map(|t| format!("-k{}", t.0))
            .unwrap_or_default();
        self.dir.join(format!(
            "r{}{knowledge}.{}",
            index.revision,
            format.download_name()
        ))
    }

    /// The export of `index` as `format`, writing it if this revision has none yet, and removing
    /// those of older revisions. Blocking: run it off the async executor.
    ///
    /// # Errors
    /// Any I/O or SQLite error of writing the export.
    pub fn get(&self, index: &Index, format: Format) -> export::Result<PathBuf> {
        let path = self.path(index, format);
        if path.is_file() {
            return Ok(path);
        }
        let lock = self
            .writing
            .lock()
            .expect("the lock map is not poisoned")
            .entry(format)
            .or_default()
            .clone();
        let _one_writer = lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !path.is_file() {
            export::write_file(index, format, &path)?;
            let suffix = format!(".{}", format.download_name());
            let (this, views) = (
                format!("r{}.", index.revision),
                format!("r{}-", index.revision),
            );
            for old in std::fs::read_dir(&self.dir)?.flatten() {
                let name = old.file_name().to_string_lossy().into_owned();
                let current = name.starts_with(&this) || name.starts_with(&views);
                if name.starts_with('r') && name.ends_with(&suffix) && !current {
                    let _ = std::fs::remove_file(old.path());
                }
            }
        }
        Ok(path)
    }

    /// Whether the export of `index` in `format` is already written.
    #[must_use]
    pub fn has(&self, index: &Index, format: Format) -> bool {
        self.path(index, format).is_file()
    }
}

pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    format: web::Path<String>,
    _q: web::Query<NoQuery>,
) -> Result<HttpResponse> {
    let format = parse(&format)?;
    let index = state.view(&req);
    // A written export costs nothing to serve; writing one is heavy.
    let turn = if state.exports.has(&index, format) {
        None
    } else {
        Some(state.heavy.turn("exports").await?)
    };
    let cache = state.clone();
    // The turn goes with the writing, which finishes even if the client leaves.
    let path = web::block(move || {
        let _turn = turn;
        cache.exports.get(&index, format)
    })
    .await
    .map_err(|e| AppError::Unexpected(anyhow::anyhow!("the export task failed: {e}")))?
    .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("export failed")))?;
    let file = NamedFile::open_async(&path)
        .await
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("opening the export")))?
        .set_content_type(format.media_type().parse().expect("a valid media type"))
        .set_content_disposition(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(format.download_name())],
        })
        .use_etag(true)
        .use_last_modified(true);
    Ok(file.into_response(&req))
}

/// A file format, by name (`gpkg`) or by the file name it is downloaded as
/// (`frontline.gpkg`, `frontline-control.csv`), so a URL can end in the file's extension as
/// GDAL and QGIS like; `dir` is a command-line format only.
fn parse(format: &str) -> Result<Format> {
    if let Some(f) = Format::FILES.iter().find(|f| f.download_name() == format) {
        return Ok(*f);
    }
    let invalid = || {
        AppError::invalid(
            "format",
            format!(
                "'{format}' is not a valid export format: expected one of {}",
                Format::list(&Format::FILES)
            ),
        )
    };
    format
        .parse::<Format>()
        .ok()
        .filter(|f| Format::FILES.contains(f))
        .ok_or_else(invalid)
}
