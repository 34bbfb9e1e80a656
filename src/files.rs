//! Writing a file whole or not at all: into a temporary file beside the target, renamed over it
//! once complete. A reader sees the old file or the new one, and a failure leaves nothing behind.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Calls `write` with a fresh temporary path beside `path`, then renames it to `path`; on any
/// failure the temporary file is removed and the error returned.
///
/// # Errors
/// Whatever `write` returns, or the rename's I/O error.
pub fn write_replacing<E: From<io::Error>>(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<(), E> {
    let tmp = temp_path_beside(path);
    let written = write(&tmp).and_then(|()| Ok(std::fs::rename(&tmp, path)?));
    if written.is_err() {
        // Best effort: the temporary file may never have been created.
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// `dir/.name.PID-N.tmp`: unique per process and call, in the same directory so the final rename
/// cannot cross file systems.
#[must_use]
pub fn temp_path_beside(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}-{n}.tmp", std::process::id()))
}
