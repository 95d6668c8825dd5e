//! Logging and progress-bar setup.
//!
//! Logs go to stderr through `tracing`; results go to stdout or files. Progress bars are drawn
//! by indicatif through tracing-indicatif, only for spans created by [`crate::progress`], and
//! only when stderr is a terminal. `-q` keeps warnings and errors and hides bars, `-v` and `-vv`
//! add debug and trace logs, and `RUST_LOG` overrides the level when set.

use std::io::IsTerminal;

use tracing_indicatif::IndicatifLayer;
use tracing_indicatif::filter::{IndicatifFilter, hide_indicatif_span_fields};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::DefaultFields;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

use crate::GlobalArgs;

/// Installs the global subscriber for the levels chosen on the command line.
pub fn init(global: &GlobalArgs) {
    let level = match (global.quiet, global.verbose) {
        (true, _) => "warn",
        (false, 0) => "info",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(format!(
            "warn,infocap={level},infocap_data={level},infocap_nn={level},infocap_estimate={level}"
        ))
    });
    let show_bars = !global.quiet;
    let indicatif = IndicatifLayer::new()
        .with_span_field_formatter(hide_indicatif_span_fields(DefaultFields::new()));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(indicatif.get_stderr_writer())
        .with_target(global.verbose > 0)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time();
    let registry = tracing_subscriber::registry().with(filter).with(fmt);
    if show_bars {
        let _ = registry
            .with(indicatif.with_filter(IndicatifFilter::new(false)))
            .try_init();
    } else {
        let _ = registry.try_init();
    }
}
