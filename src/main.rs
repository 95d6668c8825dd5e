//! The `infocap` command line: generate data of known information content, train networks with
//! a chosen noise source, estimate the bits each layer carries, and chart the results.
//!
//! Exit codes: 0 on success, 1 when the work ran but a check failed (a validation case failed,
//! training diverged), 2 for usage and input errors.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
mod logging;
mod progress;
mod run;
mod shutdown;

/// Measure how many bits flow through noisy neural networks.
#[derive(Debug, Parser)]
#[command(name = "infocap", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,

    #[command(subcommand)]
    command: Command,
}

/// Options that every subcommand takes.
#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Log more detail: -v for debug, -vv for trace.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Log only warnings and errors, and hide progress bars.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Number of worker threads [default: RAYON_NUM_THREADS, else all cores]. Results do not
    /// depend on it.
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // Parsed once; boxing would only add noise.
enum Command {
    /// Generate a data set of known information content, with its ground truth.
    Gen(commands::gen_data::Args),
    /// Print the shape, column types, value ranges and ground truth of a data file or folder.
    Inspect(commands::inspect::Args),
    /// Train a network with a chosen noise source and record what each layer carries.
    Train(commands::train::Args),
    /// Estimate the mutual information between columns of a table.
    Mi(commands::mi::Args),
    /// Check every estimator against data sets of known information content.
    Validate(commands::validate::Args),
    /// Draw a chart from a table of results.
    Plot(commands::plot::Args),
    /// Run the main experiment: noise sources against bits per layer and overfitting.
    Run(commands::run::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    logging::init(&cli.global);
    if let Err(error) = configure_threads(cli.global.threads) {
        eprintln!("error: {error:#}");
        return ExitCode::from(2);
    }
    shutdown::install();

    let result = match cli.command {
        Command::Gen(args) => commands::gen_data::run(args, &cli.global),
        Command::Inspect(args) => commands::inspect::run(args, &cli.global),
        Command::Train(args) => commands::train::run(args, &cli.global),
        Command::Mi(args) => commands::mi::run(args, &cli.global),
        Command::Validate(args) => commands::validate::run(args, &cli.global),
        Command::Plot(args) => commands::plot::run(args, &cli.global),
        Command::Run(args) => commands::run::run(args, &cli.global),
    };
    match result {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            progress::suspend(|| eprintln!("error: {error:#}"));
            // 128 + SIGINT, the status shells report for a program stopped by Ctrl-C.
            ExitCode::from(if shutdown::interrupted() { 130 } else { 2 })
        }
    }
}

/// The maximum number of worker threads. Each thread costs a stack and start-up time, and far
/// more threads than cores only slow the work down.
const MAX_THREADS: usize = 256;

/// Sizes the rayon pool and the matrix-multiply threads, from `--threads`, else
/// `RAYON_NUM_THREADS`, else the number of cores.
///
/// Every parallel computation in infocap splits its work into a fixed number of chunks with
/// their own seeded random streams, so the thread count changes speed, never results.
fn configure_threads(threads: Option<usize>) -> anyhow::Result<()> {
    let threads = match threads {
        Some(0) => anyhow::bail!("invalid value 0 for --threads: use at least 1"),
        Some(n) if n > MAX_THREADS => anyhow::bail!(
            "invalid value {n} for --threads: use at most {MAX_THREADS}; this machine has {} \
             cores",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ),
        Some(n) => n,
        // rayon's own variable, honored as rayon would without a configured pool.
        None => std::env::var("RAYON_NUM_THREADS")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|&n| (1..=MAX_THREADS).contains(&n))
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
    };
    // matrixmultiply reads this variable once, at its first threaded product.
    // SAFETY: no other thread exists yet, so nothing reads the environment concurrently.
    unsafe { std::env::set_var("MATMUL_NUM_THREADS", threads.to_string()) };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()?;
    tracing::debug!(threads, "configured worker threads");
    Ok(())
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
