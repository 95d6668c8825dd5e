//! `infocap gen`: generate a data set of known information content and write it with its
//! ground truth (`truth.json`).
//!
//! Values come from, in increasing priority: the family's defaults, a recipe file
//! (`--recipe`), then the command line (`--set NAME=VALUE`, `--n`, `--seed`, `--out`,
//! `--format`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use infocap_data::generate::{self, FamilySpec, Params, Recipe, ValidParams};
use infocap_data::{DataError, Format, write_dataset};

use crate::GlobalArgs;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    infocap gen gaussian --set rho=0.75 --n 10000 --seed 1 --out data/gaussian\n  \
    infocap gen hidden-bits --set k=12 --set noise=0.5 --out data/bits --format npy\n  \
    infocap gen --recipe data-gen/teacher.toml --out data/teacher\n  \
    infocap gen --list")]
pub struct Args {
    /// Generator family, such as gaussian or hidden-bits (see --list).
    pub family: Option<String>,

    /// Set a family parameter, NAME=VALUE; repeat for several (--set k=12 --set noise=0.5).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,

    /// Number of rows [default: the recipe's, else the family's: 2^bits for patterns,
    /// 1000 for random-labels, 10000 otherwise].
    #[arg(long, value_name = "N")]
    pub n: Option<usize>,

    /// Seed of the random generator [default: the recipe's, else 0].
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,

    /// Output folder; it must not exist unless --force [default: the recipe's `out`].
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// File format: parquet, npy or csv [default: the recipe's, else parquet].
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,

    /// Replace the output folder if it exists.
    #[arg(long)]
    pub force: bool,

    /// Read family, parameters, n, seed, out and format from a TOML recipe; flags override it.
    #[arg(long, value_name = "FILE")]
    pub recipe: Option<PathBuf>,

    /// List the families and their parameters with defaults, then exit.
    #[arg(long)]
    pub list: bool,

    /// With --list, print the families as JSON.
    #[arg(long, requires = "list")]
    pub json: bool,
}

pub fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    if args.list {
        let text = if args.json {
            serde_json::to_string_pretty(&generate::families_json())? + "\n"
        } else {
            family_list()
        };
        write!(std::io::stdout().lock(), "{text}")?;
        return Ok(ExitCode::SUCCESS);
    }

    let Request {
        spec,
        params,
        n,
        seed,
        format,
        out,
    } = resolve(&args)?;
    if !args.force && out.symlink_metadata().is_ok() {
        return Err(DataError::OutputExists { path: out }.into());
    }
    let mut data = spec.generate_valid(&params, n, seed)?;
    if let (Some(truth), Some(path)) = (data.truth.as_mut(), &args.recipe) {
        truth.recipe = Some(path.display().to_string());
    }
    // Generation does not poll for Ctrl-C, so an interrupt during it stops the command here,
    // before anything is written.
    // TODO: an interrupt while the files are written still lets them be committed, because
    // the writer in infocap-data does not poll for it.
    crate::shutdown::check()?;
    create_parent(&out)?;
    write_dataset(&data, &out, format, args.force)?;
    if !global.quiet {
        writeln!(
            std::io::stdout().lock(),
            "{}",
            written_summary(&data, &out, format)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A generation request with recipe values and flags merged and checked.
struct Request {
    spec: &'static FamilySpec,
    params: ValidParams,
    n: usize,
    seed: u64,
    format: Format,
    out: PathBuf,
}

/// Merges the family defaults, the recipe and the flags, in increasing priority.
fn resolve(args: &Args) -> anyhow::Result<Request> {
    let recipe = args.recipe.as_deref().map(Recipe::from_path).transpose()?;
    let recipe_family = recipe.as_ref().and_then(|r| r.family.clone());
    let family_name = match (&args.family, recipe_family) {
        (Some(flag), Some(named)) if *flag != named => anyhow::bail!(
            "the family `{flag}` on the command line differs from `{named}` in the recipe; \
             give one of them"
        ),
        (Some(flag), _) => flag.clone(),
        (None, Some(named)) => named,
        (None, None) => anyhow::bail!(
            "missing family: name one, such as `infocap gen gaussian`, or set \
             `family = \"NAME\"` in a recipe passed with --recipe FILE; `infocap gen --list` \
             shows the families"
        ),
    };
    let spec = generate::family(&family_name)?;

    let mut params = recipe
        .as_ref()
        .map(|r| r.params.clone())
        .unwrap_or_default();
    let mut overrides = Params::new();
    for assignment in &args.set {
        overrides.set_assignment(assignment)?;
    }
    params.extend(&overrides);
    let valid = spec.validate(&params).map_err(|error| {
        in_recipe(
            error,
            args.recipe.as_deref().zip(recipe.as_ref()),
            &overrides,
        )
    })?;

    let n = args
        .n
        .or(recipe.as_ref().and_then(|r| r.n))
        .unwrap_or_else(|| spec.default_n(&valid));
    let seed = args
        .seed
        .or(recipe.as_ref().and_then(|r| r.seed))
        .unwrap_or(0);
    let format = match &args.format {
        Some(name) => Format::from_name(name)?,
        None => recipe.as_ref().and_then(|r| r.format).unwrap_or_default(),
    };
    let out = args
        .out
        .clone()
        .or(recipe.as_ref().and_then(|r| r.out.clone()))
        .context("missing output folder: pass --out DIR (or set `out` in the recipe)")?;
    tracing::debug!(family = spec.name, n, seed, format = format.name(), out = %out.display(),
        recipe = ?args.recipe, "resolved generation request");

    Ok(Request {
        spec,
        params: valid,
        n,
        seed,
        format,
        out,
    })
}

/// Points an error about a parameter set in the recipe, not on the command line, at its line
/// in the recipe file.
fn in_recipe(
    error: DataError,
    recipe: Option<(&Path, &Recipe)>,
    overrides: &Params,
) -> anyhow::Error {
    let from_recipe = error.key().filter(|key| overrides.get(key).is_none());
    match (recipe, from_recipe) {
        (Some((path, recipe)), Some(key)) => {
            let location = recipe.key_location(key);
            anyhow::anyhow!("{}: {location}{error}", path.display())
        }
        _ => error.into(),
    }
}

/// Creates the missing parent folders of `out`.
fn create_parent(out: &Path) -> anyhow::Result<()> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| {
            format!(
                "cannot create {}, the parent of the output folder",
                parent.display()
            )
        })?;
    }
    Ok(())
}

/// Formats the one-line report of what was written where, with the primary truth.
fn written_summary(data: &infocap_data::Dataset, out: &Path, format: Format) -> String {
    let mut columns = vec![format!("{} x", data.x.ncols())];
    if let Some(y) = &data.y {
        columns.push(format!("{} y", y.ncols()));
    }
    if data.labels.is_some() {
        columns.push("label".to_string());
    }
    if data.symbols.is_some() {
        columns.push("symbol".to_string());
    }
    let truth = match &data.truth {
        Some(truth) => {
            let q = &truth.primary;
            let error = if q.stderr_bits > 0.0 {
                format!(" ± {:.4}", q.stderr_bits)
            } else {
                String::new()
            };
            format!(
                "; truth {} = {:.4}{error} bits ({:.4} nats)",
                q.quantity, q.bits, q.nats
            )
        }
        None => String::new(),
    };
    format!(
        "wrote {} ({}) of {} to {} as {}{truth}",
        super::count_of(data.len(), "row", "rows"),
        columns.join(", "),
        data.name,
        out.display(),
        format.name()
    )
}

/// Renders `infocap gen --list`.
fn family_list() -> String {
    let mut out = String::new();
    for family in generate::families() {
        out.push_str(&format!("{}\n  {}\n", family.name, family.description));
        let width = family
            .params
            .iter()
            .map(|p| p.name.len())
            .max()
            .unwrap_or(0);
        for param in family.params {
            out.push_str(&format!(
                "  --set {:width$}  default {}; {}. {}\n",
                param.name,
                param.default,
                param.kind.describe(),
                param.help
            ));
        }
        out.push('\n');
    }
    out.push_str("Set parameters with --set NAME=VALUE; see `infocap gen --help`.\n");
    out
}
