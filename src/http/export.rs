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
use std::sync::{Arc, Mutex, OnceLock};

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
    place: Place,
    /// One lock per format: a single writer per export.
    writing: Mutex<HashMap<Format, Arc<Mutex<()>>>>,
}

#[derive(Debug)]
enum Place {
    /// A directory of the server's own, kept between runs.
    Dir(PathBuf),
    /// A private temporary directory, made with the first export: most servers and tests never
    /// write one, and a process that ends without dropping the cache leaves nothing behind.
    Private(OnceLock<tempfile::TempDir>),
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
            place: Place::Dir(dir.to_owned()),
            writing: Mutex::new(HashMap::new()),
        })
    }

    /// A cache in a private temporary directory, made when the first export is written and
    /// removed with the cache (or by [`ExportCache::close`]).
    #[must_use]
    pub fn private() -> Self {
        Self {
            place: Place::Private(OnceLock::new()),
            writing: Mutex::new(HashMap::new()),
        }
    }

    /// The cache's directory, if it has one yet.
    fn dir(&self) -> Option<&Path> {
        match &self.place {
            Place::Dir(dir) => Some(dir),
            Place::Private(made) => made.get().map(tempfile::TempDir::path),
        }
    }

    /// The cache's directory, made now if it is private and new.
    fn made_dir(&self) -> std::io::Result<&Path> {
        match &self.place {
            Place::Dir(dir) => Ok(dir),
            Place::Private(made) => {
                if let Some(dir) = made.get() {
                    return Ok(dir.path());
                }
                let fresh = tempfile::Builder::new()
                    .prefix("frontline-exports-")
                    .tempdir()?;
                // Another writer may have made one meanwhile: then `fresh` is dropped, removed.
                Ok(made.get_or_init(|| fresh).path())
            }
        }
    }

    /// Removes the private directory of a cache made by [`ExportCache::private`], for a server
    /// that stops while its background threads still hold the cache; a cache in a directory of
    /// its own is left for the next start.
    pub fn close(&self) {
        if let Place::Private(made) = &self.place
            && let Some(dir) = made.get()
            && let Err(e) = std::fs::remove_dir_all(dir.path())
        {
            tracing::warn!(dir = %dir.path().display(), error = %e, "could not remove the private export cache");
        }
    }

    /// The file name of the export of `index` as `format`: `r{revision}` and, for the map as
    /// known at an earlier instant, `-k{ms}`.
    fn file_name(index: &Index, format: Format) -> String {
        let knowledge = index
            .knowledge
            .map(|t| format!("-k{}", t.0))
            .unwrap_or_default();
        format!("r{}{knowledge}.{}", index.revision, format.download_name())
    }

    /// The export of `index` as `format`, writing it if this revision has none yet, and removing
    /// those of older revisions. Blocking: run it off the async executor.
    ///
    /// # Errors
    /// Any I/O or SQLite error of writing the export.
    pub fn get(&self, index: &Index, format: Format) -> export::Result<PathBuf> {
        let dir = self.made_dir()?;
        let path = dir.join(Self::file_name(index, format));
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
            for old in std::fs::read_dir(dir)?.flatten() {
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
        self.dir()
            .is_some_and(|dir| dir.join(Self::file_name(index, format)).is_file())
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

#[cfg(test)]
mod tests {
    use super::ExportCache;

    #[test]
    fn a_private_cache_makes_its_directory_with_the_first_export_and_close_removes_it() {
        let cache = ExportCache::private();
        assert!(cache.dir().is_none(), "nothing made before an export");
        let dir = cache.made_dir().unwrap().to_owned();
        assert!(dir.is_dir());
        assert_eq!(
            cache.made_dir().unwrap(),
            dir,
            "one directory for the cache's life"
        );
        cache.close();
        assert!(!dir.exists());
    }
}
