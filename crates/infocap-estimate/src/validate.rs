//! Validation of every estimator against data sets whose mutual information is known exactly.
//!
//! Each case draws a data set from an `infocap_data` generator, whose ground truth is a closed
//! form (Gaussian, additive uniform, Student-t, label entropies) or a Monte Carlo value with a
//! standard error. Every estimator that applies to the case's kind of data (continuous or
//! discrete) estimates the same quantity, and the result passes when it is within a factor of
//! 1.5 of the truth, or within 0.05 bits when the truth is below 0.1 bits
//! ([`crate::prec::within_validation_tolerance`]).
//!
//! Some estimator and case pairs are expected to fail for reasons that are properties of the
//! estimator, not bugs. [`expected_failure`] lists them with the reason, so a validation report
//! can tell a known limitation from a regression.

use infocap_data::Dataset;
use infocap_data::generate::{Params, generate};
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::estimate::Estimate;
use crate::kind::{DataKind, EstimatorKind, Options, estimate_mi};
use crate::prec::within_validation_tolerance;

/// Which columns of a generated data set play X and Y.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pairing {
    /// X is the `x` matrix and Y the `y` matrix (continuous families).
    XY,
    /// X is the `x` matrix and Y the class label.
    XLabel,
    /// X is the `x` matrix and Y the hidden symbol index.
    XSymbol,
}

/// One data set of known information content and the quantity to estimate on it.
#[derive(Debug, Clone)]
pub struct Case {
    /// Short description, such as `gaussian rho=0.75`.
    pub name: String,
    /// Generator family.
    pub family: &'static str,
    /// Generator parameters; the others take their defaults.
    pub params: Params,
    /// Columns used as X and Y.
    pub pairing: Pairing,
    /// The truth quantity compared with, such as `I(X;Y)`.
    pub quantity: &'static str,
    /// Whether the continuous or the discrete estimators apply.
    pub kind: DataKind,
}

impl Case {
    fn new(
        name: &str,
        family: &'static str,
        params: Params,
        pairing: Pairing,
        quantity: &'static str,
        kind: DataKind,
    ) -> Self {
        Case {
            name: name.to_string(),
            family,
            params,
            pairing,
            quantity,
            kind,
        }
    }
}

/// The cases, sample sizes, seeds and estimators of a validation run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub cases: Vec<Case>,
    pub sizes: Vec<usize>,
    pub seeds: Vec<u64>,
    pub estimators: Vec<EstimatorKind>,
    /// Estimator settings; the seed is replaced by each run's seed.
    pub options: Options,
}

impl Plan {
    /// Returns the quick plan: one sample size (N = 2,000), one seed, one case per family.
    pub fn quick() -> Self {
        Plan {
            cases: cases(false),
            sizes: vec![2000],
            seeds: vec![1],
            estimators: EstimatorKind::ALL.to_vec(),
            options: Options::default(),
        }
    }

    /// Returns the full plan: every case at N = 1,000, 4,000 and 16,000 with three seeds.
    pub fn full() -> Self {
        Plan {
            cases: cases(true),
            sizes: vec![1000, 4000, 16000],
            seeds: vec![1, 2, 3],
            estimators: EstimatorKind::ALL.to_vec(),
            options: Options::default(),
        }
    }

    /// Returns the number of estimates the plan makes.
    pub fn len(&self) -> usize {
        let per_size_seed: usize = self
            .cases
            .iter()
            .map(|case| {
                self.estimators
                    .iter()
                    .filter(|e| e.data_kind() == case.kind)
                    .count()
            })
            .sum();
        per_size_seed * self.sizes.len() * self.seeds.len()
    }

    /// Returns true when the plan makes no estimate.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Returns the validation cases; `full` adds higher dimensions, more transforms and more
/// parameter values.
pub fn cases(full: bool) -> Vec<Case> {
    use DataKind::{Continuous, Discrete};
    use Pairing::{XLabel, XSymbol, XY};

    let gaussian = |rho: f64| Params::new().with("rho", rho);
    let mut cases = vec![
        Case::new(
            "gaussian rho=0.75",
            "gaussian",
            gaussian(0.75),
            XY,
            "I(X;Y)",
            Continuous,
        ),
        Case::new(
            "gaussian rho=0",
            "gaussian",
            gaussian(0.0),
            XY,
            "I(X;Y)",
            Continuous,
        ),
        Case::new(
            "gaussian dense 2x2 rho=0.5",
            "gaussian",
            gaussian(0.5).with("dim_x", 2).with("dim_y", 2),
            XY,
            "I(X;Y)",
            Continuous,
        ),
        Case::new(
            "gaussian rho=0.75, asinh(x)",
            "gaussian",
            gaussian(0.75).with("transform_x", "asinh"),
            XY,
            "I(X;Y)",
            Continuous,
        ),
        Case::new(
            "additive-uniform e=0.1",
            "additive-uniform",
            Params::new().with("e", 0.1),
            XY,
            "I(X;Y)",
            Continuous,
        ),
        Case::new(
            "student-t nu=2 2x2",
            "student-t",
            Params::new()
                .with("nu", 2.0)
                .with("dim_x", 2)
                .with("dim_y", 2),
            XY,
            "I(X;Y)",
            Continuous,
        ),
        Case::new(
            "patterns 8 bits, lookup label",
            "patterns",
            Params::new().with("bits", 8),
            XLabel,
            "I(X;Y)",
            Discrete,
        ),
        Case::new(
            "hidden-bits k=6, symbol",
            "hidden-bits",
            Params::new().with("k", 6).with("d", 6),
            XSymbol,
            "I(S;X)",
            Discrete,
        ),
        Case::new(
            "teacher, 10 classes, flip 0.1",
            "teacher",
            Params::new(),
            XLabel,
            "I(X;Y)",
            Discrete,
        ),
        Case::new(
            "random-labels, 10 classes",
            "random-labels",
            Params::new(),
            XLabel,
            "I(X;Y)",
            Discrete,
        ),
    ];
    if full {
        cases.extend([
            Case::new(
                "gaussian dense 5x5 rho=0.5",
                "gaussian",
                gaussian(0.5).with("dim_x", 5).with("dim_y", 5),
                XY,
                "I(X;Y)",
                Continuous,
            ),
            Case::new(
                "gaussian rho=0.75, half-cube(x), wiggly(y)",
                "gaussian",
                gaussian(0.75)
                    .with("transform_x", "half-cube")
                    .with("transform_y", "wiggly"),
                XY,
                "I(X;Y)",
                Continuous,
            ),
            Case::new(
                "additive-uniform e=0.75",
                "additive-uniform",
                Params::new().with("e", 0.75),
                XY,
                "I(X;Y)",
                Continuous,
            ),
            Case::new(
                "student-t nu=3 3x3",
                "student-t",
                Params::new()
                    .with("nu", 3.0)
                    .with("dim_x", 3)
                    .with("dim_y", 3),
                XY,
                "I(X;Y)",
                Continuous,
            ),
            Case::new(
                "hidden-bits k=8, parity of 3 bits",
                "hidden-bits",
                Params::new()
                    .with("k", 8)
                    .with("d", 8)
                    .with("label_bits", 3),
                XLabel,
                "I(X;Y)",
                Discrete,
            ),
        ]);
    }
    cases
}

/// The outcome of one estimate against the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Within tolerance.
    Pass,
    /// Outside tolerance, and no known limitation explains it.
    Fail,
    /// Outside tolerance for a reason listed in [`expected_failure`].
    KnownFail,
    /// Within tolerance although a known limitation predicted a failure at this size.
    UnexpectedPass,
    /// The estimator returned an error.
    Error,
}

impl Status {
    /// Returns the name used in tables.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::KnownFail => "known-fail",
            Status::UnexpectedPass => "unexpected-pass",
            Status::Error => "error",
        }
    }

    /// Returns true for the outcomes that should fail a validation run.
    pub fn is_failure(self) -> bool {
        matches!(self, Status::Fail | Status::Error)
    }
}

/// One estimate of one case at one sample size and seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub case: String,
    pub family: String,
    pub quantity: String,
    pub estimator: String,
    pub n: usize,
    pub seed: u64,
    pub truth_bits: f64,
    /// Standard error of a Monte Carlo truth; 0 for a closed form.
    pub truth_stderr_bits: f64,
    /// The estimate, clipped at 0; NaN when the estimator failed.
    pub bits: f64,
    pub raw_bits: f64,
    pub ci_low_bits: f64,
    pub ci_high_bits: f64,
    /// Estimate divided by truth; NaN when the truth is 0.
    pub ratio: f64,
    /// Estimate minus truth.
    pub bias_bits: f64,
    pub saturated: bool,
    pub status: Status,
    /// Why a known failure fails, or the error message.
    pub note: String,
}

/// Returns why `estimator` is expected to miss the truth of `case`, if it is.
///
/// `shape` gives the rows and the columns of X and Y, and `truth_bits` the true value, which
/// set the plug-in bias of the binned estimators and the tolerance it is compared with.
///
/// These are documented properties of the estimators, each checked by a unit test of its own
/// module; validation reports them as known failures rather than regressions.
pub fn expected_failure(
    estimator: EstimatorKind,
    case: &Case,
    shape: Shape,
    truth_bits: f64,
) -> Option<String> {
    use EstimatorKind::*;
    match (case.family, estimator) {
        ("teacher" | "random-labels", Plugin | MillerMadow) => Some(
            "every input is distinct, so counts see Y as a function of X and return about \
             H(Y), the finite-sample ceiling; this is the N log2 C bits a network must memorize"
                .to_string(),
        ),
        ("student-t", Gaussian) => Some(
            "the coordinates are uncorrelated but dependent, and a Gaussian model sees only \
             correlation: it returns about 0 for finite variance (nu > 2), and for nu <= 2 the \
             sample covariance follows a few extreme rows, so the value is erratic"
                .to_string(),
        ),
        ("student-t", Ksg1 | Ksg2 | Kl) => Some(
            "heavy tails: nearest-neighbor distances in the tails are large and uneven, and \
             raw Student-t data with few degrees of freedom gives a biased estimate; \
             transform the marginals (asinh) first"
                .to_string(),
        ),
        ("additive-uniform", Gaussian) => uniform_gaussian_model_failure(case, truth_bits),
        (_, Kl) if shape.dims_x + shape.dims_y >= 6 => Some(format!(
            "three Kozachenko-Leonenko entropies in {} joint dimensions: their biases grow with \
             the dimension and do not cancel, so the MI is underestimated",
            shape.dims_x + shape.dims_y
        )),
        (_, Kl) if shape.n <= 1000 && truth_bits < crate::prec::VALIDATION_SMALL_TRUTH_BITS => {
            Some(
                "the errors of three Kozachenko-Leonenko entropies do not cancel, which leaves \
                 about 0.1 bits on independent data at N = 1,000; use ksg1 near independence"
                    .to_string(),
            )
        }
        (_, Binned | BinnedMass) => binning_bias_failure(shape, truth_bits),
        _ => None,
    }
}

/// Returns a known-failure reason when the Gaussian model of X ~ U(0, 1), Y = X + U(−e, e)
/// gives less than the truth divided by the validation factor.
///
/// The model sees only the correlation, ρ² = (1/12) / (1/12 + e²/3), and returns
/// −½ log2(1 − ρ²) bits, the MI of a Gaussian channel with the same second moments.
fn uniform_gaussian_model_failure(case: &Case, truth_bits: f64) -> Option<String> {
    let e = match case.params.get("e") {
        Some(infocap_data::generate::ParamValue::Float(e)) => *e,
        _ => return None,
    };
    let rho_squared = (1.0 / 12.0) / (1.0 / 12.0 + e * e / 3.0);
    let model_bits = -0.5 * (1.0 - rho_squared).log2();
    (model_bits < truth_bits / crate::prec::VALIDATION_FACTOR).then(|| {
        format!(
            "a Gaussian model sees only the correlation (rho^2 = {rho_squared:.3}) and returns \
             about {model_bits:.3} bits, the value for Gaussian signal and noise of the same \
             variances; uniform signal and noise carry more"
        )
    })
}

/// Rows and columns of an estimator's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub n: usize,
    pub dims_x: usize,
    pub dims_y: usize,
}

/// Returns a known-failure reason when the plug-in bias of the binned estimators can exceed
/// the validation tolerance at the truth.
///
/// With 30 bins per column, X and Y have up to m_X = 30^dims_x and m_Y = 30^dims_y cells.
/// When the joint cells outnumber the samples, the counts cannot be trusted in either
/// direction. Otherwise the first-order bias is (m_X − 1)(m_Y − 1) / (2N ln 2) bits
/// (Miller 1955) when every cell is occupied. Higher-order terms add to it.
fn binning_bias_failure(shape: Shape, truth_bits: f64) -> Option<String> {
    const BINS: f64 = 30.0;
    let Shape { n, dims_x, dims_y } = shape;
    let cells_x = BINS.powi(dims_x as i32);
    let cells_y = BINS.powi(dims_y as i32);
    if cells_x * cells_y >= n as f64 {
        return Some(format!(
            "30 bins per column on {dims_x} + {dims_y} columns make {:.0} joint cells for {n} \
             samples, too many for the counts: spread-out samples each get a cell of their own, \
             pushing the estimate toward log2 N, while heavy-tailed samples crowd into a few \
             wide cells; bin one column per side or use a nearest-neighbor estimator",
            cells_x * cells_y
        ));
    }
    let bias_bits = (cells_x - 1.0) * (cells_y - 1.0) / (2.0 * n as f64 * std::f64::consts::LN_2);
    let tolerance_bits = if truth_bits < crate::prec::VALIDATION_SMALL_TRUTH_BITS {
        crate::prec::VALIDATION_SMALL_ABS_BITS
    } else {
        truth_bits * (crate::prec::VALIDATION_FACTOR - 1.0)
    };
    (bias_bits > tolerance_bits).then(|| {
        format!(
            "plug-in counts over 30 x 30 bins at N = {n} are biased upward by about \
             {bias_bits:.3} bits (first-order term), more than the {tolerance_bits:.3} bits \
             allowed at this truth; use more samples, fewer bins, or a nearest-neighbor \
             estimator"
        )
    })
}

/// Returns the X and Y arrays of a case from its data set.
fn pair(data: &Dataset, pairing: Pairing) -> Result<(ArrayView2<'_, f64>, Array2<f64>), String> {
    let column = |values: Vec<f64>| Array2::from_shape_vec((values.len(), 1), values);
    let y = match pairing {
        Pairing::XY => data.y.clone().ok_or("the data set has no y columns")?,
        Pairing::XLabel => {
            let labels = data.labels.as_ref().ok_or("the data set has no labels")?;
            column(labels.iter().map(|&l| l as f64).collect()).map_err(|e| e.to_string())?
        }
        Pairing::XSymbol => {
            let symbols = data.symbols.as_ref().ok_or("the data set has no symbols")?;
            column(symbols.iter().map(|&s| s as f64).collect()).map_err(|e| e.to_string())?
        }
    };
    Ok((data.x.view(), y))
}

/// Returns the truth of `quantity` and its standard error, from the primary quantity or the
/// others.
fn truth_of(data: &Dataset, quantity: &str) -> Result<(f64, f64), String> {
    let truth = data
        .truth
        .as_ref()
        .ok_or("the generator returned no truth")?;
    std::iter::once(&truth.primary)
        .chain(&truth.others)
        .find(|q| q.quantity == quantity)
        .map(|q| (q.bits, q.stderr_bits))
        .ok_or_else(|| format!("the truth has no {quantity}"))
}

fn row_from(case: &Case, estimator: EstimatorKind, n: usize, seed: u64) -> Row {
    Row {
        case: case.name.clone(),
        family: case.family.to_string(),
        quantity: case.quantity.to_string(),
        estimator: estimator.name().to_string(),
        n,
        seed,
        truth_bits: f64::NAN,
        truth_stderr_bits: f64::NAN,
        bits: f64::NAN,
        raw_bits: f64::NAN,
        ci_low_bits: f64::NAN,
        ci_high_bits: f64::NAN,
        ratio: f64::NAN,
        bias_bits: f64::NAN,
        saturated: false,
        status: Status::Error,
        note: String::new(),
    }
}

/// Fills a row from an estimate and classifies it.
fn judge(mut row: Row, estimate: &Estimate, expected: Option<String>) -> Row {
    row.bits = estimate.bits;
    row.raw_bits = estimate.raw_bits;
    row.ci_low_bits = estimate.ci_low_bits;
    row.ci_high_bits = estimate.ci_high_bits;
    row.saturated = estimate.saturated;
    row.bias_bits = estimate.bits - row.truth_bits;
    row.ratio = if row.truth_bits > 0.0 {
        estimate.bits / row.truth_bits
    } else {
        f64::NAN
    };
    let pass = within_validation_tolerance(estimate.bits, row.truth_bits);
    row.status = match (pass, &expected) {
        (true, None) => Status::Pass,
        (true, Some(_)) => Status::UnexpectedPass,
        (false, None) => Status::Fail,
        (false, Some(_)) => Status::KnownFail,
    };
    row.note = expected.unwrap_or_default();
    row
}

/// Runs one case at one size and seed with every applicable estimator.
fn run_one(plan: &Plan, case: &Case, n: usize, seed: u64) -> Vec<Row> {
    let estimators: Vec<EstimatorKind> = plan
        .estimators
        .iter()
        .copied()
        .filter(|e| e.data_kind() == case.kind)
        .collect();
    let failed = |message: String| -> Vec<Row> {
        estimators
            .iter()
            .map(|&e| Row {
                note: message.clone(),
                ..row_from(case, e, n, seed)
            })
            .collect()
    };
    let data = match generate(case.family, &case.params, n, seed) {
        Ok(data) => data,
        Err(error) => return failed(format!("generator failed: {error}")),
    };
    let (truth_bits, truth_stderr_bits) = match truth_of(&data, case.quantity) {
        Ok(truth) => truth,
        Err(message) => return failed(message),
    };
    let (x, y) = match pair(&data, case.pairing) {
        Ok(pair) => pair,
        Err(message) => return failed(message.to_string()),
    };
    let options = Options {
        seed,
        ..plan.options
    };
    let shape = Shape {
        n: x.nrows(),
        dims_x: x.ncols(),
        dims_y: y.ncols(),
    };
    estimators
        .iter()
        .map(|&estimator| {
            let row = Row {
                truth_bits,
                truth_stderr_bits,
                ..row_from(case, estimator, n, seed)
            };
            match estimate_mi(estimator, x, y.view(), &options) {
                Ok(estimate) => {
                    let expected = expected_failure(estimator, case, shape, truth_bits);
                    judge(row, &estimate, expected)
                }
                Err(error) => Row {
                    note: error.to_string(),
                    ..row
                },
            }
        })
        .collect()
}

/// Runs every case of `plan` at every size and seed, calling `progress` with the number of
/// estimates finished after each (case, size, seed) group.
///
/// Groups run in parallel; rows come back in plan order (case, then size, then seed, then
/// estimator), and each group uses only its own seed, so the result does not depend on the
/// thread count.
pub fn run(plan: &Plan, progress: impl Fn(usize) + Sync) -> Vec<Row> {
    let groups: Vec<(&Case, usize, u64)> = plan
        .cases
        .iter()
        .flat_map(|case| {
            plan.sizes
                .iter()
                .flat_map(move |&n| plan.seeds.iter().map(move |&seed| (case, n, seed)))
        })
        .collect();
    groups
        .par_iter()
        .map(|&(case, n, seed)| {
            let rows = run_one(plan, case, n, seed);
            progress(rows.len());
            rows
        })
        .collect::<Vec<Vec<Row>>>()
        .into_iter()
        .flatten()
        .collect()
}

/// Counts of each status in a set of rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub pass: usize,
    pub fail: usize,
    pub known_fail: usize,
    pub unexpected_pass: usize,
    pub error: usize,
}

impl Tally {
    /// Counts the statuses of `rows`.
    pub fn of(rows: &[Row]) -> Self {
        let mut tally = Tally::default();
        for row in rows {
            match row.status {
                Status::Pass => tally.pass += 1,
                Status::Fail => tally.fail += 1,
                Status::KnownFail => tally.known_fail += 1,
                Status::UnexpectedPass => tally.unexpected_pass += 1,
                Status::Error => tally.error += 1,
            }
        }
        tally
    }

    /// Returns true when no row failed unexpectedly or with an error.
    pub fn ok(&self) -> bool {
        self.fail == 0 && self.error == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_plan(cases: Vec<Case>, estimators: Vec<EstimatorKind>) -> Plan {
        Plan {
            cases,
            sizes: vec![1500],
            seeds: vec![4],
            estimators,
            options: Options::default(),
        }
    }

    fn case_named(name: &str) -> Case {
        cases(true)
            .into_iter()
            .find(|c| c.name == name)
            .expect("case exists")
    }

    #[test]
    fn bivariate_gaussian_passes_with_ksg() {
        let plan = small_plan(
            vec![case_named("gaussian rho=0.75")],
            vec![EstimatorKind::Ksg1],
        );
        let rows = run(&plan, |_| {});
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        // 0.4133 nats from 0.5 ln(1 / (1 - 0.75²)).
        assert!((row.truth_bits - 0.5963).abs() < 1e-4, "{row:?}");
        assert_eq!(row.status, Status::Pass, "{row:?}");
        assert!((row.bits - 0.5963).abs() < 0.1, "{row:?}");
    }

    #[test]
    fn only_applicable_estimators_run() {
        let plan = small_plan(
            vec![case_named("patterns 8 bits, lookup label")],
            EstimatorKind::ALL.to_vec(),
        );
        let rows = run(&plan, |_| {});
        let names: Vec<&str> = rows.iter().map(|r| r.estimator.as_str()).collect();
        assert_eq!(names, vec!["plugin", "miller-madow"]);
        assert_eq!(plan.len(), 2);
    }

    #[test]
    fn random_labels_fail_as_known() {
        let plan = small_plan(
            vec![case_named("random-labels, 10 classes")],
            vec![EstimatorKind::Plugin],
        );
        let row = &run(&plan, |_| {})[0];
        assert_eq!(row.truth_bits, 0.0);
        // With every input distinct the plug-in returns H(Y), close to log2 10.
        assert!(row.bits > 3.0, "{row:?}");
        assert_eq!(row.status, Status::KnownFail);
        assert!(row.note.contains("memorize"), "{}", row.note);
    }

    #[test]
    fn gaussian_estimator_misses_student_t_as_known() {
        let plan = small_plan(
            vec![case_named("student-t nu=3 3x3")],
            vec![EstimatorKind::Gaussian],
        );
        let row = &run(&plan, |_| {})[0];
        // Truth 0.1787 nats; the population correlation is 0, so the estimate is near 0.
        assert!((row.truth_bits - 0.2578).abs() < 1e-4, "{row:?}");
        assert!(row.bits < 0.1, "{row:?}");
        assert_eq!(row.status, Status::KnownFail, "{row:?}");
    }

    #[test]
    fn hidden_bit_symbols_carry_k_bits() {
        let plan = small_plan(
            vec![case_named("hidden-bits k=6, symbol")],
            vec![EstimatorKind::MillerMadow],
        );
        let row = &run(&plan, |_| {})[0];
        assert_eq!(row.truth_bits, 6.0);
        // 64 symbols at N = 1,500: the corrected plug-in is within 0.05 bits of 6.
        assert!((row.bits - 6.0).abs() < 0.05, "{row:?}");
    }

    #[test]
    fn rows_do_not_depend_on_thread_count() {
        let plan = small_plan(
            vec![
                case_named("gaussian rho=0.75"),
                case_named("additive-uniform e=0.1"),
            ],
            vec![EstimatorKind::Ksg2, EstimatorKind::Binned],
        );
        let in_pool = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| run(&plan, |_| {}))
        };
        assert_eq!(in_pool(1), in_pool(2));
    }

    #[test]
    fn tally_counts_and_judges() {
        let mut row = row_from(&case_named("gaussian rho=0"), EstimatorKind::Ksg1, 10, 1);
        row.status = Status::KnownFail;
        let mut failed = row.clone();
        failed.status = Status::Fail;
        assert!(Tally::of(&[row.clone(), row.clone()]).ok());
        let tally = Tally::of(&[row, failed]);
        assert_eq!(tally.known_fail, 1);
        assert_eq!(tally.fail, 1);
        assert!(!tally.ok());
    }
}
