//! Clean stop on Ctrl-C, and on SIGTERM and SIGHUP (`kill`, `timeout`, a closed terminal).
//!
//! The first signal sets a flag that long loops poll through [`check`]; they then return an
//! error, and the staging folders of unfinished outputs are removed as their owners drop. A
//! second one ends the process at once. Whichever signal stops it, the exit code is 130, the
//! code for Ctrl-C, because the handler cannot tell the signals apart.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler of Ctrl-C, SIGTERM and SIGHUP.
pub fn install() {
    let result = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    if let Err(error) = result {
        tracing::debug!(%error, "signal handler not installed");
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
