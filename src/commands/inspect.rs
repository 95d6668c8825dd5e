//! `infocap inspect`: the shape, column types, value ranges and ground truth of a data file
//! or folder (Parquet, CSV, NPY; generated or not).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use infocap_data::summary::summarize_path;

use crate::GlobalArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A folder written by `infocap gen`, or a .parquet, .csv or .npy file.
    pub path: PathBuf,

    /// Print the summary as JSON, with every column listed.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let summary = summarize_path(&args.path)?;
    let text = if args.json {
        serde_json::to_string_pretty(&summary)?
    } else {
        summary.render()
    };
    writeln!(std::io::stdout().lock(), "{text}")?;
    Ok(ExitCode::SUCCESS)
}
