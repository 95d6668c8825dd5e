//! `infocap plot`: draws one chart from a table of results (Parquet or CSV).
//!
//! Each kind reads conventional columns, which `--x`, `--y`, `--group` and `--color` override:
//!
//! - info-plane: x `i_xt_bits`, y `i_ty_bits`, one path per `layer`, colored by `epoch`, one
//!   panel per `regime`.
//! - bits-per-layer: x `epoch`, y `bits` (else `i_xt_bits`), one line per `layer`, a band from
//!   `ci_low_bits` to `ci_high_bits`, dashed ceilings at the values of `log2_n_bits`,
//!   `capacity_bits` and `h_x_bits`.
//! - capacity: x `capacity_bits_per_unit`, y `gap` (train minus test accuracy), one line per
//!   `regime` (x `level` and a line per `task` in a run's `regimes.parquet`), and a lower panel
//!   of `memorized_bits` (else `bits_per_parameter`).
//! - estimate-vs-truth: x `truth_bits`, y `bits`, one marker per `estimator`, error bars from
//!   `ci_low_bits` to `ci_high_bits`.
//! - grad-snr: x `epoch`, y `grad_snr` on a log axis, one line per `layer` (layer 0, the
//!   statistics of all parameters together, is labeled so).
//!
//! Series and panel columns are used when present. Rows that share an x value within a series
//! (several seeds, say) are averaged, with a warning. The chart goes next to the table as
//! `<table-stem>-<kind>.png` unless `--out` names a `.png` or `.svg` file.

mod rows;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use infocap_data::Table;
use infocap_estimate::plot::{
    self, BitsPerLayer, CapacityChart, ChartOptions, EstimateVsTruth, GradSnr, ImageFormat,
    InfoPlane, InfoPlanePanel, InfoPlanePoint, LayerPath, PlotSummary, ReferenceLine, Series,
    Tolerance,
};

use self::rows::{Groups, average_by_x, column_label, first_present, numbers};
use crate::GlobalArgs;

/// The chart to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// I(X;T) against I(T;Y) per layer, colored by epoch.
    InfoPlane,
    /// Bits per layer over epochs.
    BitsPerLayer,
    /// Train-test gap and memorized bits against capacity or noise level.
    Capacity,
    /// Estimated against true bits per estimator.
    EstimateVsTruth,
    /// Gradient signal-to-noise ratio per layer over epochs.
    GradSnr,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::InfoPlane => "info-plane",
            Kind::BitsPerLayer => "bits-per-layer",
            Kind::Capacity => "capacity",
            Kind::EstimateVsTruth => "estimate-vs-truth",
            Kind::GradSnr => "grad-snr",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Table of results, a .parquet or .csv file.
    pub table: PathBuf,

    /// Chart to draw.
    #[arg(long, value_enum)]
    pub kind: Kind,

    /// Output image, ending in .png or .svg [default: next to the table,
    /// <table-stem>-<kind>.png].
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Chart title [default: the kind's title].
    #[arg(long)]
    pub title: Option<String>,

    /// Columns for the axes, series, colors and panels.
    // Boxed so that the subcommand enum in main.rs stays small.
    #[command(flatten)]
    pub columns: Box<ColumnArgs>,

    /// Keep only the rows where COLUMN equals VALUE; repeat to combine filters.
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    pub filters: Vec<String>,

    /// Log-10 x axis; zero and negative x values are left out.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub log_x: Option<bool>,

    /// Log-10 y axis; grad-snr uses one by default (turn it off with --log-y=false).
    #[arg(long, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub log_y: Option<bool>,

    /// Image width in pixels [default: 960, wider for several panels].
    #[arg(long, value_name = "PIXELS")]
    pub width: Option<u32>,

    /// Image height in pixels [default: 640, taller for several panels].
    #[arg(long, value_name = "PIXELS")]
    pub height: Option<u32>,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Columns that override the conventional ones of each kind.
#[derive(Debug, clap::Args)]
pub struct ColumnArgs {
    /// Column for the x axis [default: depends on --kind].
    #[arg(long, value_name = "COLUMN")]
    pub x: Option<String>,

    /// Column for the y axis (the upper panel for capacity) [default: depends on --kind].
    #[arg(long, value_name = "COLUMN")]
    pub y: Option<String>,

    /// Column for the lower panel of the capacity chart [default: memorized_bits or
    /// bits_per_parameter, when present].
    #[arg(long, value_name = "COLUMN")]
    pub y2: Option<String>,

    /// Column whose values split the rows into series, one line or marker style each
    /// [default: layer, regime or estimator, depending on --kind, when present].
    #[arg(long, value_name = "COLUMN")]
    pub group: Option<String>,

    /// Column that colors the points of the information plane [default: epoch].
    #[arg(long, value_name = "COLUMN")]
    pub color: Option<String>,

    /// Column whose values split the information plane into panels [default: regime, when
    /// present].
    #[arg(long, value_name = "COLUMN")]
    pub panel: Option<String>,
}

pub fn run(args: Args, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    check_flags(&args)?;
    let out = output_path(&args);
    ImageFormat::from_path(&out)?;
    infocap_data::atomic::check_new_path(&out, args.force)?;

    let table = Table::read(&args.table)?;
    if table.n_rows() == 0 {
        bail!(
            "{} has no rows, so there is nothing to plot",
            args.table.display()
        );
    }
    let table = rows::filter(table, &args.filters)?;
    tracing::debug!(rows = table.n_rows(), kind = args.kind.name(), "read table");

    let summary = match args.kind {
        Kind::InfoPlane => draw_info_plane(&table, &args, &out)?,
        Kind::BitsPerLayer => draw_bits_per_layer(&table, &args, &out)?,
        Kind::Capacity => draw_capacity(&table, &args, &out)?,
        Kind::EstimateVsTruth => draw_estimate_vs_truth(&table, &args, &out)?,
        Kind::GradSnr => draw_grad_snr(&table, &args, &out)?,
    };
    if summary.skipped.total() > 0 {
        tracing::warn!(
            "{} points not drawn: {} NaN or infinite, {} zero or negative on a log axis",
            summary.skipped.total(),
            summary.skipped.non_finite,
            summary.skipped.non_positive
        );
    }
    super::print_out(&format!("{}\n", summary.path.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// Rejects flags that the chosen kind does not use, rather than ignoring them.
fn check_flags(args: &Args) -> anyhow::Result<()> {
    let only = [
        ("--color", args.columns.color.is_some(), Kind::InfoPlane),
        ("--panel", args.columns.panel.is_some(), Kind::InfoPlane),
        ("--y2", args.columns.y2.is_some(), Kind::Capacity),
    ];
    for (flag, given, kind) in only {
        if given && args.kind != kind {
            bail!(
                "{flag} applies only to --kind {}, not to --kind {}",
                kind.name(),
                args.kind.name()
            );
        }
    }
    Ok(())
}

/// Returns `--out`, or `<table-stem>-<kind>.png` beside the table.
fn output_path(args: &Args) -> PathBuf {
    if let Some(out) = &args.out {
        return out.clone();
    }
    let name = args
        .table
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut stem = name.as_str();
    for extension in [".gz", ".csv", ".parquet", ".pq"] {
        stem = stem.strip_suffix(extension).unwrap_or(stem);
    }
    args.table
        .with_file_name(format!("{stem}-{}.png", args.kind.name()))
}

/// Fills in the title, scales and size from the flags over the kind's defaults.
fn chart_options(args: &Args, defaults: ChartOptions) -> ChartOptions {
    ChartOptions {
        title: args.title.clone().unwrap_or(defaults.title),
        log_x: args.log_x.unwrap_or(defaults.log_x),
        log_y: args.log_y.unwrap_or(defaults.log_y),
        width: args.width.unwrap_or(defaults.width),
        height: args.height.unwrap_or(defaults.height),
        ..defaults
    }
}

/// Returns the column for a role: the flag's value, or the kind's default. The axis title
/// follows an overriding column.
fn pick<'a>(flag: &'a Option<String>, default: &'a str, label: &mut String) -> &'a str {
    match flag {
        Some(name) => {
            *label = column_label(name);
            name
        }
        None => default,
    }
}

/// Returns the grouping column: the flag's value, or `default` when the table has it.
fn group_column<'a>(table: &Table, flag: &'a Option<String>, default: &'a str) -> Option<&'a str> {
    match flag {
        Some(name) => Some(name),
        None => table.get(default).map(|_| default),
    }
}

fn warn_if_averaged(averaged: usize) {
    if averaged > 0 {
        tracing::warn!(
            "{averaged} points average several rows with the same x (several seeds or regimes, \
             say); pick rows with --where COLUMN=VALUE or split them with --group"
        );
    }
}

fn draw_info_plane(table: &Table, args: &Args, out: &Path) -> anyhow::Result<PlotSummary> {
    let mut options = ChartOptions::info_plane();
    let x = pick(&args.columns.x, "i_xt_bits", &mut options.x_label);
    let y = pick(&args.columns.y, "i_ty_bits", &mut options.y_label);
    let epoch_column = args.columns.color.as_deref().unwrap_or("epoch");
    let i_xt = numbers(table, x, "the x axis", "--x")?;
    let i_ty = numbers(table, y, "the y axis", "--y")?;
    let epochs = numbers(table, epoch_column, "the color scale", "--color")?;
    let layer_column = group_column(table, &args.columns.group, "layer");
    let panel_column = match &args.columns.panel {
        Some(name) => Some(name.as_str()),
        None => table.get("regime").map(|_| "regime"),
    };

    let mut panels = Vec::new();
    let mut averaged = 0;
    for (title, panel_rows) in Groups::new(table, panel_column, "")?.groups {
        let panel_table = table.filter_rows(&row_mask(table.n_rows(), &panel_rows))?;
        let mut layers = Vec::new();
        for (label, layer_rows) in Groups::new(&panel_table, layer_column, "all layers")?.groups {
            let rows: Vec<(f64, [f64; 2])> = layer_rows
                .iter()
                .map(|&r| panel_rows[r])
                .map(|r| (epochs[r], [i_xt[r], i_ty[r]]))
                .collect();
            let (points, merged) = average_by_x(&rows);
            averaged += merged;
            let points = points
                .into_iter()
                .map(|(epoch, [i_xt_bits, i_ty_bits])| InfoPlanePoint {
                    epoch,
                    i_xt_bits,
                    i_ty_bits,
                })
                .collect();
            layers.push(LayerPath { label, points });
        }
        panels.push(InfoPlanePanel { title, layers });
    }
    warn_if_averaged(averaged);

    let log_epoch_color = spans_decades(&epochs);
    tracing::debug!(
        log_epoch_color,
        "epochs colored on a log scale when they span 100x"
    );
    let columns = panels.len().clamp(1, 3) as u32;
    let rows = panels.len().div_ceil(3).max(1) as u32;
    options.width = (520 * columns + 200).max(ChartOptions::DEFAULT_WIDTH);
    options.height = (520 * rows + 120).max(ChartOptions::DEFAULT_HEIGHT);
    let plane = InfoPlane {
        panels,
        log_epoch_color,
    };
    Ok(plot::info_plane(
        &plane,
        &chart_options(args, options),
        out,
    )?)
}

/// Returns whether the finite, non-negative epochs span at least a factor of 100 above 1.
fn spans_decades(epochs: &[f64]) -> bool {
    let finite: Vec<f64> = epochs.iter().copied().filter(|e| e.is_finite()).collect();
    let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    min >= 0.0 && max / min.max(1.0) >= 100.0
}

/// Marks the rows listed in `rows` out of `n`.
fn row_mask(n: usize, rows: &[usize]) -> Vec<bool> {
    let mut mask = vec![false; n];
    for &row in rows {
        mask[row] = true;
    }
    mask
}

/// Builds one series per group of `y` against `x`, averaging rows that share an x value, with
/// an interval from `band` when given.
fn line_series(
    groups: &Groups,
    x: &[f64],
    y: &[f64],
    band: Option<(Vec<f64>, Vec<f64>)>,
) -> (Vec<Series>, usize) {
    let mut series = Vec::new();
    let mut averaged = 0;
    for (label, rows) in &groups.groups {
        let values: Vec<(f64, [f64; 3])> = rows
            .iter()
            .map(|&r| {
                let (low, high) = band
                    .as_ref()
                    .map_or((f64::NAN, f64::NAN), |b| (b.0[r], b.1[r]));
                (x[r], [y[r], low, high])
            })
            .collect();
        let (points, merged) = average_by_x(&values);
        averaged += merged;
        let mut line = Series::new(label, points.iter().map(|(x, v)| (*x, v[0])).collect());
        if band.is_some() {
            line = line.with_band(points.iter().map(|(x, v)| (*x, v[1], v[2])).collect());
        }
        series.push(line);
    }
    (series, averaged)
}

/// Reads `ci_low_bits` and `ci_high_bits` when the table has both.
fn interval_columns(table: &Table) -> anyhow::Result<Option<(Vec<f64>, Vec<f64>)>> {
    if table.get("ci_low_bits").is_none() || table.get("ci_high_bits").is_none() {
        return Ok(None);
    }
    Ok(Some((
        table.f64_column("ci_low_bits")?,
        table.f64_column("ci_high_bits")?,
    )))
}

/// Ceiling columns of the bits-per-layer chart, with their labels.
const CEILINGS: [(&str, &str); 3] = [
    ("log2_n_bits", "log₂ N"),
    ("capacity_bits", "sum of unit capacities"),
    ("h_x_bits", "H(X)"),
];

/// At most this many distinct values of one ceiling column are drawn.
const MAX_CEILINGS: usize = 6;

fn ceiling_lines(table: &Table) -> anyhow::Result<Vec<ReferenceLine>> {
    let mut lines = Vec::new();
    for (column, name) in CEILINGS {
        if table.get(column).is_none() {
            continue;
        }
        let mut values: Vec<f64> = table
            .f64_column(column)?
            .into_iter()
            .filter(|v| v.is_finite())
            .collect();
        values.sort_by(f64::total_cmp);
        values.dedup();
        if values.len() > MAX_CEILINGS {
            tracing::warn!(
                "column {column} has {} distinct values; drawing none of them as ceilings \
                 (filter rows with --where to draw them)",
                values.len()
            );
            continue;
        }
        for value in values {
            let label = format!("{name} = {} bits", (value * 1000.0).round() / 1000.0);
            lines.push(ReferenceLine::new(label, value));
        }
    }
    Ok(lines)
}

/// The conventional columns of one kind, which the flags override.
struct Defaults<'a> {
    x: &'a str,
    y: &'a str,
    group: &'a str,
    /// The legend label when the table has no group column.
    single_label: &'a str,
    /// Whether `ci_low_bits` and `ci_high_bits` give an interval for the default y column.
    band: bool,
}

/// The values one chart reads: x and y, an optional interval, and the rows of each series.
struct Selection {
    x: Vec<f64>,
    y: Vec<f64>,
    band: Option<(Vec<f64>, Vec<f64>)>,
    groups: Groups,
}

impl Selection {
    /// Reads the flagged or default columns, and names the axes after overriding columns.
    fn read(
        table: &Table,
        columns: &ColumnArgs,
        defaults: Defaults,
        options: &mut ChartOptions,
    ) -> anyhow::Result<Self> {
        let x = pick(&columns.x, defaults.x, &mut options.x_label);
        let y = pick(&columns.y, defaults.y, &mut options.y_label);
        // The interval columns belong to the default estimate, not to another --y column.
        let band = if defaults.band && columns.y.is_none() {
            interval_columns(table)?
        } else {
            None
        };
        let group = group_column(table, &columns.group, defaults.group);
        Ok(Selection {
            x: numbers(table, x, "the x axis", "--x")?,
            y: numbers(table, y, "the y axis", "--y")?,
            band,
            groups: Groups::new(table, group, defaults.single_label)?,
        })
    }

    /// Builds one line per series, warning when rows had to be averaged.
    fn lines(self) -> Vec<Series> {
        let (series, averaged) = line_series(&self.groups, &self.x, &self.y, self.band);
        warn_if_averaged(averaged);
        series
    }
}

fn draw_bits_per_layer(table: &Table, args: &Args, out: &Path) -> anyhow::Result<PlotSummary> {
    let default_y = first_present(table, &["bits", "i_xt_bits"]);
    if args.columns.y.is_none() && default_y.is_none() {
        table
            .column("bits")
            .context("no `bits` or `i_xt_bits` column (choose one with --y)")?;
    }
    let default_y = default_y.unwrap_or("bits");
    let mut options = ChartOptions::bits_per_layer();
    options.y_label = column_label(default_y);
    let defaults = Defaults {
        x: "epoch",
        y: default_y,
        group: "layer",
        single_label: "all rows",
        band: true,
    };
    let selection = Selection::read(table, &args.columns, defaults, &mut options)?;

    let chart = BitsPerLayer {
        layers: selection.lines(),
        ceilings: ceiling_lines(table)?,
    };
    Ok(plot::bits_per_layer(
        &chart,
        &chart_options(args, options),
        out,
    )?)
}

fn draw_capacity(table: &Table, args: &Args, out: &Path) -> anyhow::Result<PlotSummary> {
    let mut options = ChartOptions::capacity();
    // The run's regimes.parquet names the swept value `level` and the sweep `task`.
    let run_table =
        table.column("capacity_bits_per_unit").is_err() && table.column("level").is_ok();
    let defaults = Defaults {
        x: if run_table {
            "level"
        } else {
            "capacity_bits_per_unit"
        },
        y: "gap",
        group: if run_table { "task" } else { "regime" },
        single_label: "all rows",
        band: false,
    };
    let selection = Selection::read(table, &args.columns, defaults, &mut options)?;
    let lower = match &args.columns.y2 {
        Some(name) => Some(name.as_str()),
        None => first_present(table, &["memorized_bits", "bits_per_parameter"]),
    };

    let mut chart = CapacityChart::default();
    let mut averaged = 0;
    if let Some(lower) = lower {
        let memorized = numbers(table, lower, "the lower panel", "--y2")?;
        let (series, merged) = line_series(&selection.groups, &selection.x, &memorized, None);
        averaged += merged;
        chart.memorized = series;
        chart.memorized_label = column_label(lower);
        if lower == "bits_per_parameter" {
            // Cover (1965) and Gardner (1988): a perceptron stores 2 bits per weight.
            chart.memorized_references = vec![ReferenceLine::new("2 bits per parameter", 2.0)];
        }
        options.height = 760;
    }
    let (gap, merged) = line_series(&selection.groups, &selection.x, &selection.y, None);
    chart.gap = gap;
    warn_if_averaged(averaged + merged);
    Ok(plot::capacity_vs_overfitting(
        &chart,
        &chart_options(args, options),
        out,
    )?)
}

fn draw_estimate_vs_truth(table: &Table, args: &Args, out: &Path) -> anyhow::Result<PlotSummary> {
    let mut options = ChartOptions::estimate_vs_truth();
    let defaults = Defaults {
        x: "truth_bits",
        y: "bits",
        group: "estimator",
        single_label: "estimate",
        band: true,
    };
    let Selection {
        x: truth,
        y: estimate,
        band,
        groups,
    } = Selection::read(table, &args.columns, defaults, &mut options)?;

    // Every row is its own point: runs at the same truth are not averaged.
    let estimators = groups
        .groups
        .iter()
        .map(|(label, rows)| {
            let points = rows.iter().map(|&r| (truth[r], estimate[r])).collect();
            let series = Series::new(label, points);
            match &band {
                Some((low, high)) => {
                    series.with_band(rows.iter().map(|&r| (truth[r], low[r], high[r])).collect())
                }
                None => series,
            }
        })
        .collect();
    let chart = EstimateVsTruth {
        estimators,
        tolerance: Some(Tolerance::default()),
    };
    Ok(plot::estimate_vs_truth(
        &chart,
        &chart_options(args, options),
        out,
    )?)
}

fn draw_grad_snr(table: &Table, args: &Args, out: &Path) -> anyhow::Result<PlotSummary> {
    let mut options = ChartOptions::grad_snr();
    let defaults = Defaults {
        x: "epoch",
        y: "grad_snr",
        group: "layer",
        single_label: "all rows",
        band: false,
    };
    let selection = Selection::read(table, &args.columns, defaults, &mut options)?;
    let mut layers = selection.lines();
    // The trainer writes the statistics of all parameters together as layer 0.
    for series in &mut layers {
        if series.label == "layer 0" {
            series.label = "all parameters".to_string();
        }
    }
    let chart = GradSnr { layers };
    Ok(plot::grad_snr(&chart, &chart_options(args, options), out)?)
}
