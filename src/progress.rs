//! Progress bars for long work, drawn on stderr when it is a terminal.

use indicatif::ProgressStyle;
use tracing::Span;
use tracing_indicatif::span_ext::IndicatifSpanExt;

/// A progress bar tied to a tracing span; it disappears when dropped.
pub struct Progress {
    span: Span,
}

impl Progress {
    /// Starts a bar for `total` steps of the task `name`.
    pub fn new(name: &str, total: u64) -> Self {
        let span = tracing::info_span!("progress", indicatif.pb_show = tracing::field::Empty);
        let style = ProgressStyle::with_template(
            "{msg:24} [{bar:30}] {pos}/{len} {elapsed_precise} (eta {eta})",
        )
        .expect("progress template is valid")
        .progress_chars("=> ");
        span.pb_set_style(&style);
        span.pb_set_length(total);
        span.pb_set_message(name);
        span.pb_start();
        Progress { span }
    }

    /// Advances the bar by `steps`.
    pub fn inc(&self, steps: u64) {
        self.span.pb_inc(steps);
    }

    /// Replaces the text shown before the bar.
    pub fn set_message(&self, message: &str) {
        self.span.pb_set_message(message);
    }
}

/// Runs `f` with the bars hidden, so that direct writes to stderr are not overdrawn.
pub fn suspend<R>(f: impl FnOnce() -> R) -> R {
    tracing_indicatif::suspend_tracing_indicatif(f)
}
