//! `infocap validate`: every estimator on every generator family of known information content.
//!
//! Prints one line per estimate (case, estimator, N, truth, estimate, ratio, status) and a
//! tally. With `--out DIR` it also writes `validation.parquet`, `validation.csv` and the chart
//! `estimate-vs-truth.png` / `.svg`. Exits with 1 when an estimate fails for a reason that is
//! not a documented limitation of its estimator.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use infocap_data::atomic::StagingDir;
use infocap_data::{Column, Table};
use infocap_estimate::EstimatorKind;
use infocap_estimate::plot::{ChartOptions, EstimateVsTruth, Series, Tolerance, estimate_vs_truth};
use infocap_estimate::validate::{self, Plan, Row, Status, Tally};

use crate::GlobalArgs;
use crate::progress::Progress;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run one sample size (N = 2,000) and one seed instead of three sizes and three seeds.
    #[arg(long)]
    pub quick: bool,

    /// Only these estimators (comma list of names, such as ksg1,gaussian).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub estimator: Vec<String>,

    /// Only cases of these generator families (comma list, such as gaussian,student-t).
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub family: Vec<String>,

    /// Print the rows and the tally as JSON instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Folder to write the table and the chart into; must not exist yet.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Replace the output folder if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let plan = build_plan(&args)?;
    let staging = args
        .out
        .as_ref()
        .map(|out| StagingDir::new(out, args.force))
        .transpose()?;
    tracing::info!(
        estimates = plan.len(),
        sizes = ?plan.sizes,
        seeds = ?plan.seeds,
        "validating estimators against known truth"
    );

    let progress = Progress::new("validate", plan.len() as u64);
    let rows = validate::run(&plan, |done| progress.inc(done as u64));
    drop(progress);
    crate::shutdown::check()?;

    let tally = Tally::of(&rows);
    // The files go first, so that a reader that closes standard output early (`| head`)
    // does not cost them.
    if let Some(staging) = staging {
        write_outputs(&rows, staging.path())?;
        let path = staging.commit()?;
        eprintln!("wrote {}", path.display());
    }
    if args.json {
        let json = serde_json::json!({ "rows": rows, "tally": tally });
        super::print_out(&format!("{}\n", serde_json::to_string_pretty(&json)?))?;
    } else {
        super::print_out(&render(&rows, &tally))?;
    }
    Ok(if tally.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Builds the plan from the flags, checking estimator and family names.
fn build_plan(args: &Args) -> anyhow::Result<Plan> {
    let mut plan = if args.quick {
        Plan::quick()
    } else {
        Plan::full()
    };
    if !args.estimator.is_empty() {
        plan.estimators = args
            .estimator
            .iter()
            .map(|name| EstimatorKind::from_name(name.trim()))
            .collect::<Result<_, _>>()?;
    }
    if !args.family.is_empty() {
        let known: Vec<&str> = {
            let mut names: Vec<&str> = plan.cases.iter().map(|c| c.family).collect();
            names.dedup();
            names
        };
        for name in &args.family {
            if !known.contains(&name.as_str()) {
                return Err(infocap_data::DataError::unknown("family", name, known.clone()).into());
            }
        }
        plan.cases
            .retain(|case| args.family.iter().any(|f| f == case.family));
    }
    if plan.is_empty() {
        anyhow::bail!(
            "no estimator applies to the selected families; discrete estimators (plugin, \
             miller-madow) apply to patterns, hidden-bits, teacher and random-labels, the others \
             to gaussian, additive-uniform and student-t"
        );
    }
    Ok(plan)
}

/// Formats the rows as an aligned table followed by the tally and the known-failure reasons.
pub fn render(rows: &[Row], tally: &Tally) -> String {
    let mut out = String::new();
    let case_width = rows.iter().map(|r| r.case.len()).max().unwrap_or(4).max(4);
    let _ = writeln!(
        out,
        "{:case_width$}  {:12}  {:>6}  {:>8}  {:>8}  {:>6}  status",
        "case", "estimator", "N", "truth", "estimate", "ratio"
    );
    for row in rows {
        let _ = writeln!(
            out,
            "{:case_width$}  {:12}  {:>6}  {:>8.4}  {:>8.4}  {:>6}  {}",
            row.case,
            row.estimator,
            row.n,
            row.truth_bits,
            row.bits,
            format_ratio(row.ratio),
            row.status.name()
        );
    }
    let _ = writeln!(
        out,
        "\n{} estimates: {} pass, {} known-fail, {} unexpected-pass, {} fail, {} error \
         (pass: within a factor of 1.5 of the truth, or 0.05 bits when the truth is below 0.1)",
        rows.len(),
        tally.pass,
        tally.known_fail,
        tally.unexpected_pass,
        tally.fail,
        tally.error
    );
    let mut explained: Vec<(&str, &str)> = Vec::new();
    let explained_statuses = [Status::KnownFail, Status::Fail, Status::Error];
    for row in rows
        .iter()
        .filter(|r| explained_statuses.contains(&r.status) && !r.note.is_empty())
    {
        if !explained
            .iter()
            .any(|(e, note)| *e == row.estimator && *note == row.note)
        {
            explained.push((&row.estimator, &row.note));
        }
    }
    if !explained.is_empty() {
        let _ = writeln!(out, "\nwhy some estimates fail:");
        for (estimator, note) in explained {
            let _ = writeln!(out, "- {estimator}: {note}");
        }
    }
    out
}

fn format_ratio(ratio: f64) -> String {
    if ratio.is_finite() {
        format!("{ratio:.2}")
    } else {
        "-".to_string()
    }
}

/// Converts validation rows to a table with one row per estimate.
pub fn rows_table(rows: &[Row]) -> anyhow::Result<Table> {
    let text =
        |get: fn(&Row) -> &str| Column::Str(rows.iter().map(|r| get(r).to_string()).collect());
    let float = |get: fn(&Row) -> f64| Column::F64(rows.iter().map(get).collect());
    let mut table = Table::new()
        .with("case", text(|r| &r.case))?
        .with("family", text(|r| &r.family))?
        .with("quantity", text(|r| &r.quantity))?
        .with("estimator", text(|r| &r.estimator))?
        .with("n", Column::I64(rows.iter().map(|r| r.n as i64).collect()))?
        .with(
            "seed",
            Column::I64(rows.iter().map(|r| r.seed as i64).collect()),
        )?
        .with("truth_bits", float(|r| r.truth_bits))?
        .with("truth_stderr_bits", float(|r| r.truth_stderr_bits))?
        .with("bits", float(|r| r.bits))?
        .with("raw_bits", float(|r| r.raw_bits))?
        .with("ci_low_bits", float(|r| r.ci_low_bits))?
        .with("ci_high_bits", float(|r| r.ci_high_bits))?
        .with("ratio", float(|r| r.ratio))?
        .with("bias_bits", float(|r| r.bias_bits))?
        .with(
            "saturated",
            Column::Bool(rows.iter().map(|r| r.saturated).collect()),
        )?
        .with("status", text(|r| r.status.name()))?
        .with("note", text(|r| &r.note))?;
    table
        .metadata
        .insert("infocap_version".into(), env!("CARGO_PKG_VERSION").into());
    Ok(table)
}

/// Draws estimated against true bits, one series per estimator, with error bars from the
/// intervals and the validation tolerance band.
pub fn draw_chart(rows: &[Row], path: &Path, title: &str) -> anyhow::Result<()> {
    let mut series: Vec<Series> = Vec::new();
    for row in rows
        .iter()
        .filter(|r| r.bits.is_finite() && r.truth_bits.is_finite())
    {
        let index = match series.iter().position(|s| s.label == row.estimator) {
            Some(index) => index,
            None => {
                series.push(Series {
                    label: row.estimator.clone(),
                    points: Vec::new(),
                    band: Some(Vec::new()),
                });
                series.len() - 1
            }
        };
        let entry = &mut series[index];
        entry.points.push((row.truth_bits, row.bits));
        if let Some(band) = entry.band.as_mut() {
            band.push((row.truth_bits, row.ci_low_bits, row.ci_high_bits));
        }
    }
    let chart = EstimateVsTruth {
        estimators: series,
        tolerance: Some(Tolerance {
            factor: infocap_estimate::prec::VALIDATION_FACTOR,
            absolute_bits: infocap_estimate::prec::VALIDATION_SMALL_ABS_BITS,
            absolute_below_bits: infocap_estimate::prec::VALIDATION_SMALL_TRUTH_BITS,
        }),
    };
    let mut options = ChartOptions::estimate_vs_truth();
    options.title = title.to_string();
    estimate_vs_truth(&chart, &options, path)?;
    Ok(())
}

fn write_outputs(rows: &[Row], dir: &Path) -> anyhow::Result<()> {
    let table = rows_table(rows)?;
    table.write(&dir.join("validation.parquet"))?;
    table.write(&dir.join("validation.csv"))?;
    let title = "Estimators against known truth";
    draw_chart(rows, &dir.join("estimate-vs-truth.png"), title)?;
    draw_chart(rows, &dir.join("estimate-vs-truth.svg"), title)?;
    Ok(())
}
