//! Writing a file whole or not at all: into a private temporary file beside the target, renamed
//! over it once complete. A reader sees the old file or the new one, and a failure leaves nothing
//! behind.
//!
//! The temporary file is created by `tempfile` with a random name and exclusively (`O_EXCL`, mode
//! 0600), so it is never a file or symlink someone else prepared; it lives in the target's
//! directory, never in the shared temporary directory, so the rename stays on one file system.

use std::io;
use std::path::Path;

/// The suffix of every temporary file, which is named `.NAME.` plus six random characters plus
/// this, e.g. `.mosul.gpkg.a1B2c3.tmp`.
const SUFFIX: &str = ".tmp";

/// Calls `write` with the path of a fresh, empty, private temporary file beside `path` (which
/// `write` opens and fills), then renames it to `path`; on any failure the temporary file is
/// removed and the error returned.
///
/// # Errors
/// Whatever `write` returns, or the I/O error of creating or renaming the temporary file.
pub fn write_replacing<E: From<io::Error>>(
    path: &Path,
    write: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<(), E> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(SUFFIX)
        .tempfile_in(dir)?;
    write(tmp.path())?;
    // On an error the temporary file is dropped, which removes it.
    tmp.persist(path).map_err(|e| E::from(e.error))?;
    Ok(())
}

/// Removes the temporary files a crash left in `dir` (such as `.mosul.gpkg.a1B2c3.tmp`), returning
/// how many.
/// For directories only this program writes to, such as the export cache.
///
/// # Errors
/// When `dir` cannot be listed.
pub fn remove_leftovers(dir: &Path) -> io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.')
            && name.ends_with(SUFFIX)
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_one() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        std::fs::write(&target, "old").unwrap();
        let failed: Result<(), io::Error> = write_replacing(&target, |tmp| {
            std::fs::write(tmp, "half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_replacing::<io::Error>(&target, |tmp| std::fs::write(tmp, "new")).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn the_temporary_file_is_private_and_not_a_prepared_symlink() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.gpkg");
        // Someone else's file, and a symlink to it where a predictable name would have been.
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join(".out.gpkg.tmp")).unwrap();
        write_replacing::<io::Error>(&target, |tmp| {
            assert_ne!(tmp, dir.path().join(".out.gpkg.tmp"));
            let mode = std::fs::metadata(tmp)?.permissions().mode() & 0o777;
            assert_eq!(
                mode, 0o600,
                "only the owner can read it while it is written"
            );
            assert!(!std::fs::symlink_metadata(tmp)?.file_type().is_symlink());
            std::fs::write(tmp, "new")
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    }

    #[test]
    fn leftovers_of_a_crash_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".frontline.gpkg.a1B2c3.tmp"), "half").unwrap();
        std::fs::write(dir.path().join("r3.frontline.gpkg"), "whole").unwrap();
        assert_eq!(remove_leftovers(dir.path()).unwrap(), 1);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
