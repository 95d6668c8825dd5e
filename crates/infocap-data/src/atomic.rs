//! Writes that are never seen half done.
//!
//! Files are written to a temporary sibling and renamed into place; output folders are filled in
//! a hidden staging folder beside the target and renamed when complete. A rename within one
//! folder is atomic on POSIX file systems, so a reader, or a user after an interrupted run, sees
//! either the old state or the complete new one. A process killed mid-write can leave a hidden
//! `.NAME.partial-PID` entry behind, never a file under the final name.
//!
//! Every output folder contains an empty marker file, [`MARKER`]. A forced write replaces only a
//! folder with that marker, or an empty one, so a mistyped `--out` cannot delete a data file or
//! an unrelated folder.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{DataError, Result};

/// The file that marks a folder as an infocap output, which a forced write may replace.
pub const MARKER: &str = ".infocap-output";

/// Returns the hidden sibling path `.NAME.TAG-PID` of `path`.
fn sibling(path: &Path, tag: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let hidden = format!(".{name}.{tag}-{}", std::process::id());
    path.with_file_name(hidden)
}

/// Returns the folder that will contain `path`, treating a bare file name as the current folder.
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Checks that `path` can be created: its parent is an existing folder and, unless `force`,
/// nothing exists at `path` yet.
pub fn check_new_path(path: &Path, force: bool) -> Result<()> {
    let parent = parent_of(path);
    if !parent.is_dir() {
        return Err(DataError::io(
            "cannot write",
            path,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!(
                    "folder {} does not exist; create it first",
                    parent.display()
                ),
            ),
        ));
    }
    if !force && fs::symlink_metadata(path).is_ok() {
        return Err(DataError::OutputExists {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Writes a file through `write`, first into a temporary sibling, then renames it to `path`.
///
/// On error the temporary file is removed and `path` is left as it was.
pub fn write_file_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut fs::File) -> Result<()>,
{
    let temporary = sibling(path, "partial");
    let result = (|| {
        let mut file = fs::File::create(&temporary)
            .map_err(|e| DataError::io("cannot create", &temporary, e))?;
        write(&mut file)?;
        file.flush()
            .map_err(|e| DataError::io("cannot write", &temporary, e))?;
        file.sync_all()
            .map_err(|e| DataError::io("cannot write", &temporary, e))?;
        fs::rename(&temporary, path).map_err(|e| DataError::io("cannot rename into", path, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

/// Writes `bytes` to `path` atomically.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_file_atomic(path, |file| {
        file.write_all(bytes)
            .map_err(|e| DataError::io("cannot write", path, e))
    })
}

/// Checks that a forced write may replace whatever is at `target`: nothing, an empty folder,
/// or a folder with the [`MARKER`] of an infocap output.
fn check_replaceable(target: &Path) -> Result<()> {
    let reject = |what| {
        Err(DataError::NotReplaceable {
            path: target.to_path_buf(),
            what,
        })
    };
    // `.`, `..` and `/` have no name to stage beside, and may hold the working folder itself.
    if target.file_name().is_none() {
        return reject("the current, parent or root folder");
    }
    let Ok(metadata) = fs::symlink_metadata(target) else {
        return Ok(());
    };
    if !metadata.is_dir() {
        return reject("a file or link");
    }
    if target.join(MARKER).is_file() {
        return Ok(());
    }
    let mut entries =
        fs::read_dir(target).map_err(|e| DataError::io("cannot read folder", target, e))?;
    if entries.next().is_none() {
        return Ok(());
    }
    reject("a folder with other files")
}

/// An output folder filled in a hidden staging folder and renamed into place by
/// [`StagingDir::commit`].
///
/// Dropping it without committing removes the staging folder, so an error leaves nothing
/// behind.
#[derive(Debug)]
pub struct StagingDir {
    target: PathBuf,
    staging: PathBuf,
    force: bool,
    committed: bool,
}

impl StagingDir {
    /// Creates the staging folder for `target`.
    ///
    /// # Errors
    /// [`DataError::OutputExists`] when `target` exists and `force` is false, and an I/O error
    /// when the parent folder is missing or not writable.
    pub fn new(target: impl Into<PathBuf>, force: bool) -> Result<Self> {
        let target = target.into();
        check_new_path(&target, force)?;
        if force {
            check_replaceable(&target)?;
        }
        let staging = sibling(&target, "partial");
        if staging.exists() {
            fs::remove_dir_all(&staging)
                .map_err(|e| DataError::io("cannot remove stale", &staging, e))?;
        }
        // The error names the requested folder, because users never see the hidden staging name.
        fs::create_dir(&staging)
            .map_err(|e| DataError::io("cannot create output folder", &target, e))?;
        let dir = StagingDir {
            target,
            staging,
            force,
            committed: false,
        };
        let marker = dir.staging.join(MARKER);
        fs::write(&marker, "").map_err(|e| DataError::io("cannot create", &marker, e))?;
        Ok(dir)
    }

    /// Returns the folder to write into.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Returns the final folder, which exists only after [`StagingDir::commit`].
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the staging folder to the target, replacing an existing target when forced.
    pub fn commit(mut self) -> Result<PathBuf> {
        let old = sibling(&self.target, "old");
        let replacing = self.force && fs::symlink_metadata(&self.target).is_ok();
        if replacing {
            fs::rename(&self.target, &old)
                .map_err(|e| DataError::io("cannot move aside", &self.target, e))?;
        } else if fs::symlink_metadata(&self.target).is_ok() {
            return Err(DataError::OutputExists {
                path: self.target.clone(),
            });
        }
        fs::rename(&self.staging, &self.target)
            .map_err(|e| DataError::io("cannot rename into", &self.target, e))?;
        self.committed = true;
        if replacing {
            let removed = if old.is_dir() {
                fs::remove_dir_all(&old)
            } else {
                fs::remove_file(&old)
            };
            removed.map_err(|e| DataError::io("cannot remove", &old, e))?;
        }
        Ok(self.target.clone())
    }
}

impl Drop for StagingDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_dir_appears_only_on_commit() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("run");
        let staging = StagingDir::new(&target, false).unwrap();
        fs::write(staging.path().join("a.txt"), "1").unwrap();
        assert!(!target.exists());
        staging.commit().unwrap();
        assert_eq!(fs::read_to_string(target.join("a.txt")).unwrap(), "1");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn staging_dir_dropped_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let staging = StagingDir::new(root.path().join("run"), false).unwrap();
        fs::write(staging.path().join("a.txt"), "1").unwrap();
        drop(staging);
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
    }

    #[test]
    fn existing_target_needs_force() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("run");
        let first = StagingDir::new(&target, false).unwrap();
        fs::write(first.path().join("old.txt"), "old").unwrap();
        first.commit().unwrap();
        let error = StagingDir::new(&target, false).unwrap_err();
        assert!(matches!(error, DataError::OutputExists { .. }), "{error}");

        let staging = StagingDir::new(&target, true).unwrap();
        fs::write(staging.path().join("new.txt"), "new").unwrap();
        staging.commit().unwrap();
        assert!(!target.join("old.txt").exists());
        assert!(target.join("new.txt").exists());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn missing_parent_is_an_error() {
        let root = tempfile::tempdir().unwrap();
        let error = StagingDir::new(root.path().join("no/such/run"), false).unwrap_err();
        assert!(error.to_string().contains("does not exist"), "{error}");
    }

    #[test]
    fn failed_file_write_keeps_old_file() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("t.txt");
        fs::write(&path, "old").unwrap();
        let result = write_file_atomic(&path, |_| Err(DataError::InvalidData("boom".into())));
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn force_replaces_only_infocap_outputs() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data.csv");
        fs::write(&data, "x\n1\n").unwrap();
        let folder = root.path().join("notes");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("todo.txt"), "keep").unwrap();
        for (path, what) in [(&data, "a file"), (&folder, "a folder with other files")] {
            let error = StagingDir::new(path, true).unwrap_err().to_string();
            assert!(error.contains(what), "{error}");
            assert!(
                error.contains("not an output folder written by infocap"),
                "{error}"
            );
        }
        for dots in ["..", "."] {
            let error = StagingDir::new(dots, true).unwrap_err().to_string();
            assert!(error.contains("current, parent or root folder"), "{error}");
        }
        assert_eq!(fs::read_to_string(&data).unwrap(), "x\n1\n");
        assert_eq!(fs::read_to_string(folder.join("todo.txt")).unwrap(), "keep");

        // An empty folder may be replaced.
        let empty = root.path().join("empty");
        fs::create_dir(&empty).unwrap();
        StagingDir::new(&empty, true).unwrap().commit().unwrap();
        assert!(empty.join(MARKER).is_file());
    }
}
