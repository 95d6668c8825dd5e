//! `infocap run`: the main experiment, from known-content data to a report on real data.
//!
//! Trains one network per noise regime, measures the bits each layer carries, and writes a
//! fresh run folder: Parquet tables, PNG and SVG charts, `report.md` with findings computed
//! from the tables, `findings.json`, `config.toml` (the exact experiment), `run.json` (seed,
//! versions, threads, timing) and `notebook.ipynb`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use infocap_data::atomic::{StagingDir, write_bytes_atomic};
use serde_json::json;

use crate::GlobalArgs;
use crate::progress::Progress;
use crate::run::config::Experiment;
use crate::run::findings::{self, Tables};
use crate::run::{self, charts, notebook, report};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run a small version of every stage (well under a minute), for tests and a first look.
    #[arg(long)]
    pub quick: bool,

    /// Experiment file (TOML); keys left out take the defaults (of --quick, when given).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Real data set: `digits` (built in) or `mnist:DIR` (MNIST IDX files) [default: digits].
    #[arg(long, value_name = "SOURCE")]
    pub data: Option<String>,

    /// Seed of every random stream [default: 1, or the config file's].
    #[arg(long)]
    pub seed: Option<u64>,

    /// Run folder to create [default: results/run-YYYYMMDD-HHMMSS].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Replace the run folder if it exists.
    #[arg(long)]
    pub force: bool,
}

struct BarProgress(Option<Progress>);

impl run::Progress for BarProgress {
    fn finished(&self, what: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(what);
            bar.inc(1);
        }
        tracing::debug!(what, "finished");
    }
}

pub fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let experiment = resolve_experiment(&args)?;
    let out = match &args.out {
        Some(out) => out.clone(),
        None => default_out()?,
    };
    let staging = StagingDir::new(&out, args.force)?;
    let start = Instant::now();
    tracing::info!(out = %out.display(), quick = args.quick, "running the experiment");

    let steps = run::count_steps(&experiment)?;
    let progress = BarProgress((!global.quiet).then(|| Progress::new("infocap run", steps as u64)));
    let results = run::execute(&experiment, &progress)?;
    drop(progress);
    crate::shutdown::check()?;

    let dir = staging.path();
    run::write_tables(&results, dir, experiment.seed)?;
    let tables = Tables::read(dir)?;
    let findings = findings::compute(&tables);
    let charts = charts::draw_all(&results, dir)?;
    let command = rerun_command();
    let report = report::render(&report::ReportInput {
        experiment: &experiment,
        data_name: &results.data_name,
        n_rows: results.n_rows,
        n_classes: results.n_classes,
        findings: &findings,
        charts: &charts,
        tables: &tables,
        command: &command,
    });
    write_bytes_atomic(&dir.join("report.md"), report.as_bytes())?;
    write_bytes_atomic(
        &dir.join("findings.json"),
        (serde_json::to_string_pretty(&findings)? + "\n").as_bytes(),
    )?;
    write_bytes_atomic(&dir.join("config.toml"), experiment.to_toml().as_bytes())?;
    write_bytes_atomic(
        &dir.join("notebook.ipynb"),
        notebook::render(".").as_bytes(),
    )?;
    let threads = rayon::current_num_threads();
    let seconds = start.elapsed().as_secs_f64();
    let run_json = json!({
        "command": "run",
        "quick": args.quick,
        "seed": experiment.seed,
        "data": experiment.data,
        "threads": threads,
        "seconds": seconds,
        "training_runs": results.regimes.len(),
        "versions": {
            "infocap": env!("CARGO_PKG_VERSION"),
            "infocap_data": infocap_data::VERSION,
            "infocap_nn": infocap_nn::VERSION,
            "infocap_estimate": infocap_estimate::VERSION,
        },
    });
    write_bytes_atomic(
        &dir.join("run.json"),
        (serde_json::to_string_pretty(&run_json)? + "\n").as_bytes(),
    )?;
    let out = staging.commit()?;

    if !global.quiet {
        super::print_out(&format!(
            "{} training runs in {seconds:.0} s; wrote {} (report.md, {} charts, {} findings)\n",
            results.regimes.len(),
            out.display(),
            charts.len(),
            findings.len()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Builds the experiment from the defaults (or the quick preset), the config file and flags.
fn resolve_experiment(args: &Args) -> anyhow::Result<Experiment> {
    let base = if args.quick {
        Experiment::quick()
    } else {
        Experiment::default()
    };
    let mut experiment = match &args.config {
        Some(path) => Experiment::from_file(path, &base)?,
        None => base,
    };
    if let Some(data) = &args.data {
        experiment.data = data.clone();
    }
    if let Some(seed) = args.seed {
        experiment.seed = seed;
    }
    experiment
        .validate()
        .map_err(|message| anyhow::anyhow!("invalid experiment: {message}"))?;
    Ok(experiment)
}

/// Returns `results/run-YYYYMMDD-HHMMSS` (UTC), creating `results/` if needed.
fn default_out() -> anyhow::Result<PathBuf> {
    let results = Path::new("results");
    std::fs::create_dir_all(results)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}; pass --out DIR", results.display()))?;
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Ok(results.join(format!("run-{}", utc_stamp(seconds))))
}

/// Formats seconds since the Unix epoch as `YYYYMMDD-HHMMSS` in UTC.
fn utc_stamp(seconds: u64) -> String {
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3600,
        (rest % 3600) / 60,
        rest % 60
    )
}

/// Returns the command that reruns this experiment from its saved configuration, run from
/// inside the run folder, so the report does not depend on where the folder was written.
fn rerun_command() -> String {
    "infocap run --config config.toml --out ../rerun".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_stamp_of_known_instants() {
        assert_eq!(utc_stamp(0), "19700101-000000");
        // 2026-12-04 15:32:47 UTC.
        assert_eq!(utc_stamp(1_796_398_367), "20261204-153247");
        // 2024-02-29 23:59:59 UTC, a leap day.
        assert_eq!(utc_stamp(1_709_251_199), "20240229-235959");
    }
}
