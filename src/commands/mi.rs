//! `infocap mi`: estimate the mutual information between two sets of columns of a table.
//!
//! The table is a Parquet or CSV file, or a data folder written by `infocap gen`. Columns are
//! named as a comma list (`x0,x3`), an inclusive numbered range (`x0..x7`) or a prefix
//! (`x*`, all numbered columns `x0, x1, ...`). `--where epoch=10` keeps matching rows, so one
//! layer and epoch can be picked out of a long activation table.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use infocap_data::{Column, Table};
use infocap_estimate::binning::{BinScope, BinSize};
use infocap_estimate::{
    DataKind, Estimate, EstimatorKind, IntervalMethod, IntervalOptions, Options, estimate_mi,
};
use ndarray::Array2;
use serde::Serialize;

use crate::GlobalArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Table (.parquet or .csv), or a data folder written by `infocap gen`.
    pub file: PathBuf,

    /// Columns of X: a comma list (x0,x3), a numbered range (x0..x7) or a prefix (x*).
    #[arg(long, value_name = "COLS")]
    pub x: String,

    /// Columns of Y, in the same forms as --x.
    #[arg(long, value_name = "COLS")]
    pub y: String,

    /// Estimator: ksg1, ksg2, kl, gaussian, binned, binned-mass, plugin, miller-madow, or all
    /// (every estimator that fits the data).
    #[arg(long, value_name = "NAME", default_value = "ksg1")]
    pub estimator: String,

    /// Neighbors for ksg1, ksg2 and kl.
    #[arg(long, default_value_t = 3)]
    pub k: usize,

    /// Keep only rows where COLUMN equals VALUE; repeat to require several.
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    pub filters: Vec<String>,

    /// Do not scale columns to unit variance before ksg1, ksg2 and kl.
    #[arg(long)]
    pub no_standardize: bool,

    /// Seed of the tie-breaking jitter and of the interval's row draws.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// Interval method: half-samples without replacement, or bootstrap resamples.
    #[arg(long, value_enum, default_value_t = IntervalArg::Subsample)]
    pub interval: IntervalArg,

    /// Interval replicates; 0 computes no interval.
    #[arg(long, value_name = "R", default_value_t = 20)]
    pub resamples: usize,

    /// Interval coverage.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,

    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,

    /// Add the estimation time in seconds (`elapsed_seconds`) to the output.
    #[arg(long)]
    pub timing: bool,

    #[command(flatten)]
    pub binning: Box<BinArgs>,
}

/// Interval methods on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IntervalArg {
    Subsample,
    Bootstrap,
}

/// Options of the binned estimators, boxed to keep `Args` small.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Binning")]
pub struct BinArgs {
    /// Bins per column for binned estimators [default: 30].
    #[arg(long, value_name = "N", conflicts_with = "bin_width")]
    pub bins: Option<usize>,

    /// Bin width for the binned estimator, in the units of the data.
    #[arg(long, value_name = "WIDTH")]
    pub bin_width: Option<f64>,

    /// Preset bin range LOW..HIGH such as -1..1 for tanh units; it is extended by whole bins to
    /// cover values outside it, never clipped.
    #[arg(long, value_name = "LOW..HIGH", allow_hyphen_values = true)]
    pub range: Option<String>,

    /// One bin range for all columns of a variable (a layer) instead of one per column.
    #[arg(long)]
    pub layer_range: bool,

    /// Treat each distinct row of Y as a symbol (class labels) in binned estimators.
    #[arg(long)]
    pub y_discrete: bool,
}

/// One line of output: an estimate with the data it came from, or the error it raised.
#[derive(Debug, Serialize)]
struct Report {
    file: String,
    x_columns: Vec<String>,
    y_columns: Vec<String>,
    filters: Vec<String>,
    version: &'static str,
    #[serde(flatten)]
    estimate: Option<Estimate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    elapsed_seconds: Option<f64>,
}

pub fn run(args: Args, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let options = options_from(&args)?;
    let kinds = kinds_from(&args.estimator)?;
    let (path, table) = read_table(&args.file)?;
    if table.n_rows() == 0 {
        bail!(
            "{} has no rows; pass a table with one row per sample",
            path.display()
        );
    }
    let table = apply_filters(&table, &args.filters)?;
    let x_columns = resolve_columns(&table, &args.x, "--x")?;
    let y_columns = resolve_columns(&table, &args.y, "--y")?;
    let x = table.matrix(&x_columns)?;
    let y = table.matrix(&y_columns)?;
    tracing::debug!(
        rows = x.nrows(),
        x = x_columns.len(),
        y = y_columns.len(),
        "loaded columns"
    );

    let all = args.estimator == "all";
    let integer_valued = is_integer_valued(&x) && is_integer_valued(&y);
    let mut reports = Vec::new();
    for kind in kinds {
        if all && kind.data_kind() == DataKind::Discrete && !integer_valued {
            tracing::debug!(
                estimator = kind.name(),
                "skipped: the data are not integer-valued"
            );
            continue;
        }
        let start = Instant::now();
        let result = estimate_mi(kind, x.view(), y.view(), &options);
        let elapsed = start.elapsed().as_secs_f64();
        let (estimate, error) = match result {
            Ok(estimate) => (Some(estimate), None),
            Err(error) if all => (None, Some(format!("{kind}: {error}"))),
            Err(error) => return Err(error).context(format!("{kind} failed")),
        };
        reports.push(Report {
            file: path.display().to_string(),
            x_columns: x_columns.clone(),
            y_columns: y_columns.clone(),
            filters: args.filters.clone(),
            version: env!("CARGO_PKG_VERSION"),
            estimate,
            error,
            elapsed_seconds: args.timing.then_some(elapsed),
        });
    }

    if args.json {
        let text = if all {
            serde_json::to_string_pretty(&reports)?
        } else {
            serde_json::to_string_pretty(&reports[0])?
        };
        super::print_out(&format!("{text}\n"))?;
    } else {
        for (i, report) in reports.iter().enumerate() {
            if i > 0 {
                super::print_out("\n")?;
            }
            super::print_out(&format_report(report))?;
        }
    }
    // With `all`, an estimator that fails on data it does not suit is reported beside the
    // others. Only when every estimator fails is it an input error.
    if reports.iter().all(|report| report.estimate.is_none()) {
        eprintln!(
            "error: every estimator failed on these columns (reasons above); check them with \
             `infocap inspect` or pick other columns"
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

fn options_from(args: &Args) -> anyhow::Result<Options> {
    let method = match args.interval {
        IntervalArg::Subsample => IntervalMethod::Subsample,
        IntervalArg::Bootstrap => IntervalMethod::Bootstrap,
    };
    let binning = &args.binning;
    let interval = if args.resamples == 0 {
        IntervalOptions::none()
    } else {
        IntervalOptions {
            method,
            resamples: args.resamples,
            level: args.level,
            seed: args.seed,
        }
    };
    let bins = match (binning.bins, binning.bin_width) {
        (_, Some(width)) => BinSize::Width(width),
        (Some(count), None) => BinSize::Count(count),
        (None, None) => BinSize::Count(30),
    };
    let preset_range = binning.range.as_deref().map(parse_range).transpose()?;
    Ok(Options {
        k: args.k,
        bins,
        scope: if binning.layer_range {
            BinScope::Layer
        } else {
            BinScope::Unit
        },
        preset_range,
        bin_y: !binning.y_discrete,
        standardize: !args.no_standardize,
        seed: args.seed,
        interval,
        ..Options::default()
    })
}

fn parse_range(text: &str) -> anyhow::Result<(f64, f64)> {
    let parsed = text
        .split_once("..")
        .and_then(|(low, high)| Some((low.trim().parse().ok()?, high.trim().parse().ok()?)));
    match parsed {
        Some((low, high)) if low < high => Ok((low, high)),
        _ => bail!(
            "invalid value `{text}` for --range: use LOW..HIGH with LOW < HIGH, such as -1..1"
        ),
    }
}

fn kinds_from(name: &str) -> anyhow::Result<Vec<EstimatorKind>> {
    if name == "all" {
        return Ok(EstimatorKind::ALL.to_vec());
    }
    Ok(vec![EstimatorKind::from_name(name)?])
}

/// Reads a Parquet or CSV table, or the data folder written by `infocap gen` in any format,
/// and returns the path to name in messages with the table.
fn read_table(path: &Path) -> anyhow::Result<(PathBuf, Table)> {
    if !path.is_dir() {
        return Ok((path.to_path_buf(), Table::read(path)?));
    }
    let file = infocap_data::files::folder_data_file(path)?;
    if file.extension().is_some_and(|extension| extension == "npy") {
        // NPY folders keep X, Y and labels in separate files, which the data set reader joins.
        let data = infocap_data::read_dataset(path)?;
        return Ok((
            path.to_path_buf(),
            infocap_data::files::dataset_table(&data)?,
        ));
    }
    let table = Table::read(&file)?;
    Ok((file, table))
}

/// Expands a column list: names, numbered ranges `x0..x7` and prefixes `x*`.
fn resolve_columns(table: &Table, spec: &str, flag: &str) -> anyhow::Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some(prefix) = part.strip_suffix('*') {
            let mut found = table.numbered(prefix);
            if found.is_empty() {
                found = table
                    .names()
                    .iter()
                    .filter(|n| n.starts_with(prefix))
                    .cloned()
                    .collect();
            }
            if found.is_empty() {
                bail!(
                    "no column matches `{part}` in {flag}; the table has: {}",
                    infocap_data::table::summarize_names(table.names())
                );
            }
            names.extend(found);
        } else if let Some((first, last)) = part.split_once("..") {
            names.extend(expand_range(table, first, last, flag)?);
        } else {
            table.column(part)?;
            names.push(part.to_string());
        }
    }
    if names.is_empty() {
        bail!("{flag} names no columns; pass names such as x0,x1 or x0..x7 or x*");
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(repeated) = names.iter().find(|n| !seen.insert(n.as_str())) {
        bail!("column `{repeated}` is listed twice in {flag}");
    }
    Ok(names)
}

fn expand_range(table: &Table, first: &str, last: &str, flag: &str) -> anyhow::Result<Vec<String>> {
    let split = |name: &str| {
        let digits = name.chars().rev().take_while(char::is_ascii_digit).count();
        let (prefix, number) = name.split_at(name.len() - digits);
        number
            .parse::<usize>()
            .ok()
            .map(|n| (prefix.to_string(), n))
    };
    let invalid = || {
        anyhow::anyhow!(
            "invalid range `{first}..{last}` in {flag}: use numbered names with one prefix, \
             such as x0..x7"
        )
    };
    let (prefix, start) = split(first).ok_or_else(invalid)?;
    let (end_prefix, end) = split(last).ok_or_else(invalid)?;
    if !(end_prefix.is_empty() || end_prefix == prefix) || start > end {
        return Err(invalid());
    }
    let names: Vec<String> = (start..=end).map(|i| format!("{prefix}{i}")).collect();
    for name in &names {
        table.column(name)?;
    }
    Ok(names)
}

/// Keeps the rows that match every `COLUMN=VALUE` filter.
fn apply_filters(table: &Table, filters: &[String]) -> anyhow::Result<Table> {
    if filters.is_empty() {
        return Ok(table.clone());
    }
    let mut keep = vec![true; table.n_rows()];
    for filter in filters {
        let Some((name, value)) = filter.split_once('=') else {
            bail!("invalid value `{filter}` for --where: use COLUMN=VALUE, such as epoch=10");
        };
        let (name, value) = (name.trim(), value.trim());
        let column = table.column(name)?;
        let matches: Vec<bool> = match column {
            Column::Str(values) => values.iter().map(|v| v == value).collect(),
            other => {
                let target: f64 = value.parse().map_err(|_| {
                    anyhow::anyhow!(
                        "invalid value `{value}` for --where {name}: the column contains numbers"
                    )
                })?;
                let values = other.to_f64().expect("numeric column");
                values.iter().map(|&v| v == target).collect()
            }
        };
        for (k, m) in keep.iter_mut().zip(matches) {
            *k &= m;
        }
    }
    let kept = keep.iter().filter(|&&k| k).count();
    if kept == 0 {
        bail!(
            "no rows match --where {}; check the values with `infocap inspect`",
            filters.join(" --where ")
        );
    }
    tracing::debug!(kept, of = table.n_rows(), "filtered rows");
    Ok(table.filter_rows(&keep)?)
}

fn is_integer_valued(a: &Array2<f64>) -> bool {
    a.iter().all(|v| v.fract() == 0.0)
}

fn format_columns(names: &[String]) -> String {
    let plural = if names.len() == 1 { "" } else { "s" };
    format!(
        "{} ({} column{plural})",
        infocap_data::table::summarize_names(names),
        names.len()
    )
}

/// Formats one report as a readable block.
fn format_report(report: &Report) -> String {
    let mut out = String::new();
    let Some(estimate) = &report.estimate else {
        let error = report.error.as_deref().unwrap_or("failed");
        return format!("error: {error}\n");
    };
    let interval = if estimate.interval.method == IntervalMethod::None {
        String::new()
    } else {
        format!(
            "  [{:.0}% interval {:.4} .. {:.4}]",
            estimate.interval.level * 100.0,
            estimate.ci_low_bits,
            estimate.ci_high_bits
        )
    };
    out.push_str(&format!(
        "I(X;Y) = {:.4} bits{interval}  ({})\n",
        estimate.bits, estimate.estimator
    ));
    out.push_str(&format!(
        "  data:     {}, N = {}\n            X = {}\n            Y = {}\n",
        report.file,
        estimate.n,
        format_columns(&report.x_columns),
        format_columns(&report.y_columns)
    ));
    if !report.filters.is_empty() {
        out.push_str(&format!(
            "  rows:     where {}\n",
            report.filters.join(", ")
        ));
    }
    out.push_str(&format!("  settings: {}\n", format_settings(estimate)));
    let mut flags = Vec::new();
    if estimate.saturated {
        flags.push(format!(
            "saturated (ceiling {:.3} bits)",
            estimate.ceiling_bits.unwrap_or(f64::NAN)
        ));
    }
    if estimate.negative {
        flags.push(format!(
            "negative (raw {} bits, shown as 0)",
            raw_bits_text(estimate.raw_bits)
        ));
    }
    if !flags.is_empty() {
        out.push_str(&format!("  flags:    {}\n", flags.join("; ")));
    }
    for warning in &estimate.warnings {
        out.push_str(&format!("  warning:  {warning}\n"));
    }
    if let Some(seconds) = report.elapsed_seconds {
        out.push_str(&format!("  time:     {seconds:.3} s\n"));
    }
    out
}

fn format_settings(estimate: &Estimate) -> String {
    let d = &estimate.details;
    let mut parts = Vec::new();
    if let Some(k) = d.k {
        parts.push(format!("k = {k}"));
    }
    if d.standardized == Some(true) {
        parts.push("standardized".to_string());
    }
    if let (Some(scale), Some(seed)) = (d.jitter_scale, d.jitter_seed) {
        parts.push(format!("jitter {scale:e} (seed {seed})"));
    }
    for (report, variable) in [(&d.bins_x, "X"), (&d.bins_y, "Y")] {
        if let Some(report) = report {
            let bins: Vec<usize> = report.units.iter().map(|u| u.bins).collect();
            let low = report
                .units
                .iter()
                .map(|u| u.low)
                .fold(f64::INFINITY, f64::min);
            let high = report
                .units
                .iter()
                .map(|u| u.high)
                .fold(f64::NEG_INFINITY, f64::max);
            let count = if bins.iter().all(|&b| b == bins[0]) {
                bins[0].to_string()
            } else {
                format!(
                    "{}..{}",
                    bins.iter().min().unwrap_or(&0),
                    bins.iter().max().unwrap_or(&0)
                )
            };
            parts.push(format!(
                "{variable}: {count} {} bins per column, range {low:.4} .. {high:.4}",
                report.strategy
            ));
        }
    }
    if let (Some(cx), Some(cy), Some(cj)) = (d.cells_x, d.cells_y, d.cells_joint) {
        parts.push(format!("occupied cells X {cx}, Y {cy}, joint {cj}"));
    }
    match estimate.interval.method {
        IntervalMethod::None => parts.push("no interval".to_string()),
        method => parts.push(format!(
            "interval from {} {} of {} rows (seed {})",
            estimate.interval.resamples,
            if method == IntervalMethod::Bootstrap {
                "bootstrap resamples"
            } else {
                "half-samples"
            },
            estimate.interval.sample_size,
            estimate.interval.seed
        )),
    }
    parts.join(", ")
}

/// Formats a raw estimate in bits: 4 decimals, or scientific notation below 1e-4 in magnitude,
/// where 4 decimals would print rounding error such as -1e-17 as "-0.0000".
fn raw_bits_text(bits: f64) -> String {
    if bits.abs() < 1e-4 {
        format!("{bits:.2e}")
    } else {
        format!("{bits:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_raw_values_are_not_printed_as_zero() {
        assert_eq!(raw_bits_text(-1.25e-17), "-1.25e-17");
        assert_eq!(raw_bits_text(-0.01234), "-0.0123");
    }
}
