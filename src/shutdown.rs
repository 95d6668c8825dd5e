//! Clean stop on Ctrl-C.
//!
//! The first interrupt sets a flag that long loops poll through [`check`]; they then return an
//! error, and the staging folders of unfinished outputs are removed as their owners drop. A
//! second interrupt ends the process at once.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler.
pub fn install() {
    let result = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    if let Err(error) = result {
        tracing::debug!(%error, "Ctrl-C handler not installed");
    }
}

/// Returns whether the user asked to stop.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Fails with an "interrupted" error once the user asked to stop.
pub fn check() -> anyhow::Result<()> {
    if interrupted() {
        anyhow::bail!("interrupted; unfinished outputs were removed");
    }
    Ok(())
}
