//! `report.md`: the findings, a summary table, the charts with how to read them, the estimator
//! checks, and how to rerun.
//!
//! The report holds no timings or thread counts (those are in `run.json`), so the same
//! configuration gives the same report byte for byte.

use std::fmt::Write as _;

use infocap_data::Table;

use super::charts::Chart;
use super::config::Experiment;
use super::findings::{Finding, Tables};

/// What the report needs besides the tables.
pub struct ReportInput<'a> {
    pub experiment: &'a Experiment,
    pub data_name: &'a str,
    pub n_rows: usize,
    pub n_classes: usize,
    pub findings: &'a [Finding],
    pub charts: &'a [Chart],
    pub tables: &'a Tables,
    /// The command line that reproduces the run.
    pub command: &'a str,
}

/// Renders the report as Markdown.
pub fn render(input: &ReportInput) -> String {
    let mut out = String::new();
    let experiment = input.experiment;
    let _ = writeln!(out, "# infocap run: bits per layer under training noise\n");
    let _ = writeln!(
        out,
        "Real data: `{}` ({} rows, {} classes, {:.0}% held out for testing). Known-content \
         task: all {} binary patterns of {} bits. Seed {}. infocap {}.\n",
        input.data_name,
        input.n_rows,
        input.n_classes,
        100.0 * experiment.test_fraction,
        1usize << experiment.known.bits,
        experiment.known.bits,
        experiment.seed,
        env!("CARGO_PKG_VERSION"),
    );
    let _ = writeln!(
        out,
        "Every number below is read from the tables in this folder; `findings.json` lists each \
         finding with the values it states. Information is in bits. To rerun, from this folder:\n\n```\n{}\n```\n",
        input.command
    );

    let _ = writeln!(out, "## Findings\n");
    for finding in input.findings {
        let _ = writeln!(out, "- {}", finding.text);
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "## Regimes\n");
    let _ = writeln!(
        out,
        "One row per training run. Gap is train minus test accuracy. The last hidden layer's \
         I(X;T) comes from the method named: `binned` (30 bins per unit, at most log2 N), \
         `pairwise-kl` (upper bound for Gaussian noise), `vae-rate` (KL rate), `exact-binary` \
         (counted sign patterns) or `upstream-bound` (the bound of a noisy layer below, which \
         no layer above it can exceed). Memorized bits are N log2 C minus the summed training \
         cross-entropy in bits: the label information fitted on the training set. On random \
         labels all of it is memorized; on clean labels most of it generalizes.\n"
    );
    out.push_str(&regime_table(&input.tables.regimes));
    let _ = writeln!(out);

    let _ = writeln!(out, "## Charts\n");
    for chart in input.charts {
        let _ = writeln!(out, "### {}\n", chart.title);
        let _ = writeln!(out, "![{}]({}.png)\n", chart.title, chart.stem);
        let _ = writeln!(out, "{} ([SVG]({}.svg))\n", chart.reading, chart.stem);
    }

    if let Some(checks) = &input.tables.checks {
        let _ = writeln!(out, "## Estimator checks\n");
        out.push_str(&checks_section(checks));
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "## Files\n");
    for (name, what) in [
        (
            "regimes.parquet",
            "one row per training run: accuracies, gap, memorized bits",
        ),
        (
            "layers.parquet",
            "I(X;T), I(T;Y), bounds and ceilings per run, probe epoch and layer",
        ),
        (
            "gradients.parquet",
            "gradient signal-to-noise ratio and noise scale per probe epoch",
        ),
        ("units.parquet", "distinct units per layer and probe epoch"),
        (
            "multimodal.parquet",
            "output-mode entropy of a deterministic and a stochastic model",
        ),
        (
            "estimator_checks.parquet",
            "estimators against generator truth",
        ),
        (
            "findings.json",
            "the findings above with the numbers they state",
        ),
        (
            "config.toml",
            "the exact experiment; `infocap run --config config.toml` repeats it",
        ),
        ("run.json", "seed, versions, thread count and timing"),
        (
            "notebook.ipynb",
            "loads the tables with pandas and redraws every chart",
        ),
    ] {
        let _ = writeln!(out, "- `{name}`: {what}");
    }
    out
}

/// Formats a number with `digits` decimals, or a dash for NaN.
fn number(value: f64, digits: usize) -> String {
    if value.is_finite() {
        format!("{value:.digits$}")
    } else {
        "-".to_string()
    }
}

fn percent(value: f64) -> String {
    if value.is_finite() {
        format!("{:.1}", 100.0 * value)
    } else {
        "-".to_string()
    }
}

fn regime_table(regimes: &Table) -> String {
    let mut out = String::from(
        "| task | regime | train acc (%) | test acc (%) | gap (%) | last hidden I(X;T) | method \
         | ceiling | memorized | bits/param |\n|---|---|---:|---:|---:|---:|---|---:|---:|---:|\n",
    );
    let text = |name: &str| regimes.str_column(name).unwrap_or_default();
    let float = |name: &str| regimes.f64_column(name).unwrap_or_default();
    let (task, regime, method) = (text("task"), text("regime"), text("last_hidden_method"));
    let (train, test, gap) = (
        float("train_accuracy"),
        float("test_accuracy"),
        float("gap"),
    );
    let (bits, ceiling) = (float("last_hidden_bits"), float("last_hidden_ceiling_bits"));
    let (memorized, per_param) = (float("memorized_bits"), float("bits_per_parameter"));
    for row in 0..regimes.n_rows() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            task[row],
            regime[row],
            percent(train[row]),
            percent(test[row]),
            percent(gap[row]),
            number(bits[row], 2),
            method[row],
            number(ceiling[row], 2),
            number(memorized[row], 0),
            number(per_param[row], 2),
        );
    }
    out
}

fn checks_section(checks: &Table) -> String {
    let mut out = String::new();
    let text = |name: &str| checks.str_column(name).unwrap_or_default();
    let float = |name: &str| checks.f64_column(name).unwrap_or_default();
    let (case, estimator, status, note) = (
        text("case"),
        text("estimator"),
        text("status"),
        text("note"),
    );
    let (truth, estimate) = (float("truth_bits"), float("bits"));
    let _ = writeln!(
        out,
        "Each estimator on generated data of known mutual information (N = 2,000). Pass: \
         within a factor of 1.5 of the truth, or 0.05 bits below 0.1 bits. Rows that did not \
         pass:\n"
    );
    out.push_str(
        "| case | estimator | truth | estimate | status | why |\n|---|---|---:|---:|---|---|\n",
    );
    for row in (0..checks.n_rows()).filter(|&r| status[r] != "pass") {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            case[row],
            estimator[row],
            number(truth[row], 3),
            number(estimate[row], 3),
            status[row],
            note[row]
        );
    }
    out
}
