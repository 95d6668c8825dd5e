//! Findings of a run, computed from its tables and stated in plain sentences.
//!
//! Every number in a finding is read from the written tables (`regimes.parquet`,
//! `layers.parquet`, `units.parquet`, `multimodal.parquet`, `estimator_checks.parquet`), and
//! each finding also lists those numbers by name in `findings.json`, so a reader (and a test)
//! can check the report against the tables. A finding says whether the expectation from the
//! literature held; it is left out when its regimes were not run.

use std::collections::BTreeMap;

use infocap_data::Table;
use serde::Serialize;

/// The tables findings are computed from.
pub struct Tables {
    pub regimes: Table,
    pub layers: Table,
    pub units: Table,
    pub multimodal: Table,
    pub checks: Option<Table>,
}

impl Tables {
    /// Reads the tables of a run folder.
    pub fn read(dir: &std::path::Path) -> anyhow::Result<Tables> {
        let read = |name: &str| Table::read(&dir.join(name));
        let checks = dir.join("estimator_checks.parquet");
        Ok(Tables {
            regimes: read("regimes.parquet")?,
            layers: read("layers.parquet")?,
            units: read("units.parquet")?,
            multimodal: read("multimodal.parquet")?,
            checks: if checks.is_file() {
                Some(Table::read(&checks)?)
            } else {
                None
            },
        })
    }
}

/// One finding: a sentence and the numbers it states.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    pub text: String,
    /// The numbers in the text, by name, as read from the tables.
    pub values: BTreeMap<String, f64>,
}

/// Rows of a table as maps from column name to text or number.
struct Rows<'a> {
    table: &'a Table,
}

impl<'a> Rows<'a> {
    fn new(table: &'a Table) -> Self {
        Rows { table }
    }

    /// Returns the indices of rows whose string columns equal the given values.
    fn select(&self, conditions: &[(&str, &str)]) -> Vec<usize> {
        let columns: Vec<Vec<String>> = conditions
            .iter()
            .map(|(name, _)| self.table.str_column(name).unwrap_or_default())
            .collect();
        (0..self.table.n_rows())
            .filter(|&row| {
                conditions
                    .iter()
                    .zip(&columns)
                    .all(|((_, value), column)| column.get(row).is_some_and(|v| v == value))
            })
            .collect()
    }

    fn f64(&self, column: &str, row: usize) -> f64 {
        self.table
            .f64_column(column)
            .ok()
            .and_then(|c| c.get(row).copied())
            .unwrap_or(f64::NAN)
    }

    fn text(&self, column: &str, row: usize) -> String {
        self.table
            .str_column(column)
            .ok()
            .and_then(|c| c.get(row).cloned())
            .unwrap_or_default()
    }
}

/// Formats bits with two decimals.
fn bits(value: f64) -> String {
    format!("{value:.2}")
}

/// Formats a fraction as a percentage with one decimal.
fn percent(value: f64) -> String {
    format!("{:.1}%", 100.0 * value)
}

/// Computes every finding the tables support.
pub fn compute(tables: &Tables) -> Vec<Finding> {
    let mut findings = Vec::new();
    let regimes = Rows::new(&tables.regimes);
    let layers = Rows::new(&tables.layers);
    let builders: [&dyn Fn() -> Option<Finding>; 10] = [
        &|| noise_caps_bits(&regimes, &layers),
        &|| gap_by_regime(&regimes),
        &|| capacity_sweep(&regimes),
        &|| memorization(&regimes),
        &|| label_noise(&regimes),
        &|| vae_rate(&regimes, &layers),
        &|| binary_units(&regimes, &layers),
        &|| symmetry(&Rows::new(&tables.units), &regimes),
        &|| pattern_compression(&layers),
        &|| multimodal(&Rows::new(&tables.multimodal)),
    ];
    for build in builders {
        findings.extend(build());
    }
    if let Some(checks) = &tables.checks {
        findings.extend(estimator_checks(&Rows::new(checks)));
    }
    findings
}

/// Returns the last-epoch row of `layer` in a regime of the real task.
fn last_layer_row(layers: &Rows, task: &str, regime: &str, layer: Option<usize>) -> Option<usize> {
    let rows = layers.select(&[("task", task), ("regime", regime)]);
    let last_epoch = rows
        .iter()
        .map(|&r| layers.f64("epoch", r))
        .fold(f64::NAN, f64::max);
    let hidden: Vec<usize> = rows
        .into_iter()
        .filter(|&r| layers.f64("epoch", r) == last_epoch && layers.text("is_output", r) == "false")
        .collect();
    match layer {
        Some(layer) => hidden
            .into_iter()
            .find(|&r| layers.f64("layer", r) == layer as f64),
        None => hidden
            .into_iter()
            .max_by(|&a, &b| layers.f64("layer", a).total_cmp(&layers.f64("layer", b))),
    }
}

fn noise_caps_bits(regimes: &Rows, layers: &Rows) -> Option<Finding> {
    let baseline = last_layer_row(layers, "real", "no noise", None)?;
    let gauss = regimes.select(&[("task", "real"), ("kind", "gauss")]);
    let strongest = gauss
        .into_iter()
        .max_by(|&a, &b| regimes.f64("level", a).total_cmp(&regimes.f64("level", b)))?;
    let name = regimes.text("regime", strongest);
    let noisy = last_layer_row(layers, "real", &name, None)?;
    let mut values = BTreeMap::new();
    let noisy_bits = layers.f64("i_xt_bits", noisy);
    let capacity = layers.f64("capacity_bits", noisy);
    let baseline_bits = layers.f64("i_xt_bits", baseline);
    let log2_n = layers.f64("log2_n_bits", baseline);
    values.insert("noisy_i_xt_bits".to_string(), noisy_bits);
    values.insert("noisy_capacity_bits".to_string(), capacity);
    values.insert("baseline_i_xt_bits".to_string(), baseline_bits);
    values.insert("log2_n_bits".to_string(), log2_n);
    let held = noisy_bits < baseline_bits;
    let text = format!(
        "Noise caps the bits per layer: with {name} kept at evaluation, the last hidden layer \
         carried at most {} bits about the input (pairwise KL bound; the summed capacity of its \
         units is {} bits), against {} bits for the noise-free network, whose binned estimate \
         sits at the log2 N = {} ceiling of its {} probe inputs{}.",
        bits(noisy_bits),
        bits(capacity),
        bits(baseline_bits),
        bits(log2_n),
        (2f64.powf(log2_n)).round(),
        if held {
            ""
        } else {
            "; here the noise did not lower the estimate, unlike the expectation"
        }
    );
    Some(Finding {
        id: "noise-caps-bits",
        text,
        values,
    })
}

fn gap_by_regime(regimes: &Rows) -> Option<Finding> {
    let real = regimes.select(&[("task", "real")]);
    let baseline = regimes
        .select(&[("task", "real"), ("regime", "no noise")])
        .first()
        .copied()?;
    let baseline_test = regimes.f64("test_accuracy", baseline);
    let gap = |row: usize| regimes.f64("gap", row);
    // A regime that ruins the fit also closes the gap; compare only those that kept the test
    // accuracy within 5 points of the noise-free network.
    let comparable: Vec<usize> = real
        .iter()
        .copied()
        .filter(|&r| regimes.f64("test_accuracy", r) >= baseline_test - 0.05)
        .collect();
    let smallest = comparable
        .iter()
        .copied()
        .min_by(|&a, &b| gap(a).total_cmp(&gap(b)))?;
    let largest = real
        .iter()
        .copied()
        .max_by(|&a, &b| gap(a).total_cmp(&gap(b)))?;
    let mut values = BTreeMap::new();
    for (key, row) in [
        ("baseline", baseline),
        ("smallest", smallest),
        ("largest", largest),
    ] {
        values.insert(format!("{key}_gap"), gap(row));
        values.insert(
            format!("{key}_test_accuracy"),
            regimes.f64("test_accuracy", row),
        );
    }
    let describe = |row: usize| {
        format!(
            "{} ({}, test accuracy {})",
            regimes.text("regime", row),
            percent(gap(row)),
            percent(regimes.f64("test_accuracy", row))
        )
    };
    let text = format!(
        "Train-test gap on the real data: {} without noise (test accuracy {}). Among the \
         regimes within 5 points of that test accuracy, the smallest gap came with {}; the \
         largest gap of all with {}.",
        percent(gap(baseline)),
        percent(baseline_test),
        describe(smallest),
        describe(largest),
    );
    Some(Finding {
        id: "gap-by-regime",
        text,
        values,
    })
}

/// Returns the rows of a task sorted by level.
fn by_level(regimes: &Rows, task: &str) -> Vec<usize> {
    let mut rows = regimes.select(&[("task", task)]);
    rows.sort_by(|&a, &b| regimes.f64("level", a).total_cmp(&regimes.f64("level", b)));
    rows
}

/// The direction of change of a quantity measured at increasing capacities.
#[derive(Debug, PartialEq)]
enum Trend {
    /// Never fell from one capacity to the next, and ended higher than it started.
    Rising,
    /// Ended higher than it started, but fell in `falls` of the `steps` steps.
    Mixed { falls: usize, steps: usize },
    /// Ended no higher than it started.
    NotHigher,
}

/// Classifies `values`, ordered by increasing capacity (at least one value).
fn trend(values: &[f64]) -> Trend {
    let steps = values.len() - 1;
    let falls = values.windows(2).filter(|pair| pair[1] < pair[0]).count();
    if values[steps] <= values[0] {
        Trend::NotHigher
    } else if falls == 0 {
        Trend::Rising
    } else {
        Trend::Mixed { falls, steps }
    }
}

fn capacity_sweep(regimes: &Rows) -> Option<Finding> {
    let real = by_level(regimes, "capacity");
    let (&low, &high) = (real.first()?, real.last()?);
    if low == high {
        return None;
    }
    let mut values = BTreeMap::new();
    let (low_bits, high_bits) = (regimes.f64("level", low), regimes.f64("level", high));
    let (low_gap, high_gap) = (regimes.f64("gap", low), regimes.f64("gap", high));
    values.insert("low_capacity_bits".to_string(), low_bits);
    values.insert("high_capacity_bits".to_string(), high_bits);
    values.insert("low_gap".to_string(), low_gap);
    values.insert("high_gap".to_string(), high_gap);
    let mut text = format!(
        "Capacity against overfitting: as each hidden unit's capacity went from {} to {} bits, \
         the train-test gap on real labels went from {} to {}",
        low_bits,
        high_bits,
        percent(low_gap),
        percent(high_gap)
    );
    let gaps: Vec<f64> = real.iter().map(|&r| regimes.f64("gap", r)).collect();
    text.push_str(&match trend(&gaps) {
        Trend::Rising => " (it grew at every step, as expected)".to_string(),
        Trend::Mixed { falls, steps } => format!(
            " (larger at the highest capacity, as expected, but it fell in {falls} of the \
             {steps} steps, so the trend is weak)"
        ),
        Trend::NotHigher => " (it did not grow)".to_string(),
    });
    let random = by_level(regimes, "capacity-random");
    if let (Some(&r_low), Some(&r_high)) = (random.first(), random.last()) {
        let (m_low, m_high) = (
            regimes.f64("memorized_bits", r_low),
            regimes.f64("memorized_bits", r_high),
        );
        let memorized: Vec<f64> = random
            .iter()
            .map(|&r| regimes.f64("memorized_bits", r))
            .collect();
        values.insert("random_low_memorized_bits".to_string(), m_low);
        values.insert("random_high_memorized_bits".to_string(), m_high);
        text.push_str(&format!(
            ", and the bits memorized from fully random labels went from {} to {}{}",
            m_low.round(),
            m_high.round(),
            match trend(&memorized) {
                Trend::Rising =>
                    " (it grew at every step: more capacity, more memorization)".to_string(),
                Trend::Mixed { falls, steps } => format!(
                    " (larger at the highest capacity, but it fell in {falls} of the {steps} \
                     steps)"
                ),
                Trend::NotHigher => " (no increase)".to_string(),
            }
        ));
    }
    text.push('.');
    Some(Finding {
        id: "capacity-sweep",
        text,
        values,
    })
}

fn memorization(regimes: &Rows) -> Option<Finding> {
    let rows = regimes.select(&[("task", "memorization")]);
    let per_parameter = |row: usize| regimes.f64("bits_per_parameter", row);
    let best = rows
        .iter()
        .copied()
        .max_by(|&a, &b| per_parameter(a).total_cmp(&per_parameter(b)))?;
    let widest = rows.iter().copied().max_by(|&a, &b| {
        regimes
            .f64("n_params", a)
            .total_cmp(&regimes.f64("n_params", b))
    })?;
    let needed = regimes.f64("n_train", widest) * regimes.f64("n_classes", widest).log2();
    let mut values = BTreeMap::new();
    values.insert("best_bits_per_parameter".to_string(), per_parameter(best));
    values.insert("best_n_params".to_string(), regimes.f64("n_params", best));
    values.insert(
        "widest_memorized_bits".to_string(),
        regimes.f64("memorized_bits", widest),
    );
    values.insert(
        "widest_train_accuracy".to_string(),
        regimes.f64("train_accuracy", widest),
    );
    values.insert("bits_to_memorize".to_string(), needed);
    let near_two = (1.5..=2.5).contains(&per_parameter(best));
    let text = format!(
        "Memorization of random labels: the network that stored the most per parameter ({} \
         parameters) stored {} bits per parameter, {} the 2 bits per parameter of a \
         perceptron; the widest stored {} of the {} bits that its {} random labels take, at \
         train accuracy {}.",
        regimes.f64("n_params", best),
        bits(per_parameter(best)),
        if near_two { "close to" } else { "unlike" },
        regimes.f64("memorized_bits", widest).round(),
        needed.round(),
        regimes.f64("n_train", widest),
        percent(regimes.f64("train_accuracy", widest)),
    );
    Some(Finding {
        id: "memorization",
        text,
        values,
    })
}

fn label_noise(regimes: &Rows) -> Option<Finding> {
    let rows = by_level(regimes, "label-noise");
    let (&clean, &noisy) = (rows.first()?, rows.last()?);
    if clean == noisy {
        return None;
    }
    let mut values = BTreeMap::new();
    for (key, row) in [("clean", clean), ("noisy", noisy)] {
        values.insert(format!("{key}_fraction"), regimes.f64("level", row));
        values.insert(format!("{key}_gap"), regimes.f64("gap", row));
        values.insert(
            format!("{key}_test_accuracy"),
            regimes.f64("test_accuracy", row),
        );
        values.insert(
            format!("{key}_memorized_bits"),
            regimes.f64("memorized_bits", row),
        );
    }
    let mut text = format!(
        "Random labels against overfitting: with {} of the training labels random instead of \
         {}, the gap went from {} to {} and test accuracy from {} to {}. The label bits the \
         network fitted (N log2 C minus the training cross-entropy) went from {} to {}; with \
         clean labels most of them generalize, with random labels all of them are memorized.",
        percent(regimes.f64("level", noisy)),
        percent(regimes.f64("level", clean)),
        percent(regimes.f64("gap", clean)),
        percent(regimes.f64("gap", noisy)),
        percent(regimes.f64("test_accuracy", clean)),
        percent(regimes.f64("test_accuracy", noisy)),
        regimes.f64("memorized_bits", clean).round(),
        regimes.f64("memorized_bits", noisy).round(),
    );
    // Between the ends the gap can dip below both, when the network learns the rule from the
    // clean labels without storing the random ones.
    let lowest = rows
        .iter()
        .copied()
        .min_by(|&a, &b| regimes.f64("gap", a).total_cmp(&regimes.f64("gap", b)))?;
    let lowest_gap = regimes.f64("gap", lowest);
    if lowest_gap < regimes.f64("gap", clean).min(regimes.f64("gap", noisy)) {
        values.insert("lowest_gap".to_string(), lowest_gap);
        values.insert(
            "lowest_gap_fraction".to_string(),
            regimes.f64("level", lowest),
        );
        text.push_str(&format!(
            " The gap did not grow steadily: it was lowest, {}, with {} random labels, where \
             training accuracy, scored against the partly random labels, fell below test \
             accuracy, as for a network that learns the rule without storing the random labels.",
            percent(lowest_gap),
            percent(regimes.f64("level", lowest)),
        ));
    }
    Some(Finding {
        id: "label-noise",
        text,
        values,
    })
}

fn vae_rate(regimes: &Rows, layers: &Rows) -> Option<Finding> {
    let mut parts = Vec::new();
    let mut values = BTreeMap::new();
    for row in by_level(regimes, "real")
        .into_iter()
        .filter(|&r| regimes.text("kind", r) == "vae")
    {
        let name = regimes.text("regime", row);
        let rows = layers.select(&[
            ("task", "real"),
            ("regime", &name),
            ("i_xt_method", "vae-rate"),
        ]);
        let last = rows
            .into_iter()
            .max_by(|&a, &b| layers.f64("epoch", a).total_cmp(&layers.f64("epoch", b)))?;
        // The rate itself, not the reported I(X;Z), which is capped at the layer's ceiling.
        let rate = layers.f64("i_xt_high_bits", last);
        let ceiling = layers.f64("ceiling_bits", last);
        let beta = regimes.f64("level", row);
        values.insert(format!("rate_bits_beta_{beta}"), rate);
        let above = if rate > ceiling {
            format!(
                ", above the layer ceiling of {} bits, so loose there",
                bits(ceiling)
            )
        } else {
            String::new()
        };
        parts.push(format!(
            "{} bits at beta = {beta} ({} units{above})",
            bits(rate),
            layers.f64("width", last)
        ));
    }
    if parts.is_empty() {
        return None;
    }
    let rates: Vec<f64> = values.values().copied().collect();
    let falls = rates.windows(2).all(|w| w[1] <= w[0]);
    let text = format!(
        "The VAE bottleneck sets the bits directly: its rate, an upper bound on I(X;Z), was {}{}.",
        parts.join(", "),
        if rates.len() > 1 && falls {
            "; a larger beta gave a smaller rate, as expected"
        } else if rates.len() > 1 {
            "; the rate did not fall with beta"
        } else {
            ""
        }
    );
    Some(Finding {
        id: "vae-rate",
        text,
        values,
    })
}

fn binary_units(regimes: &Rows, layers: &Rows) -> Option<Finding> {
    let row = regimes
        .select(&[("task", "real"), ("kind", "binary")])
        .first()
        .copied()?;
    let name = regimes.text("regime", row);
    let first = last_layer_row(layers, "real", &name, Some(1))?;
    let carried = layers.f64("i_xt_bits", first);
    let width = layers.f64("width", first);
    let mut values = BTreeMap::new();
    values.insert("layer1_bits".to_string(), carried);
    values.insert("layer1_width".to_string(), width);
    values.insert(
        "test_accuracy".to_string(),
        regimes.f64("test_accuracy", row),
    );
    let text = format!(
        "Binary units carry at most one bit each: the first layer of {width} sign units carried \
         {} bits (counted exactly), {} its ceiling of min({width}, log2 N) bits; test accuracy {}.",
        bits(carried),
        if carried <= width.min(layers.f64("log2_n_bits", first)) + 1e-9 {
            "within"
        } else {
            "above"
        },
        percent(regimes.f64("test_accuracy", row)),
    );
    Some(Finding {
        id: "binary-units",
        text,
        values,
    })
}

fn symmetry(units: &Rows, regimes: &Rows) -> Option<Finding> {
    let rows = regimes.select(&[("task", "real"), ("kind", "constant-init")]);
    if rows.len() < 2 {
        return None;
    }
    let mut parts = Vec::new();
    let mut values = BTreeMap::new();
    for &row in &rows {
        let name = regimes.text("regime", row);
        let picked = units.select(&[("task", "real"), ("regime", &name)]);
        let last = picked
            .into_iter()
            .filter(|&r| units.f64("layer", r) == 1.0)
            .max_by(|&a, &b| units.f64("epoch", a).total_cmp(&units.f64("epoch", b)))?;
        let distinct = units.f64("distinct_units", last);
        let width = units.f64("width", last);
        values.insert(
            format!("distinct_units_{}", name.replace([' ', ','], "_")),
            distinct,
        );
        parts.push(format!("{distinct} of {width} distinct units ({name})"));
    }
    let text = format!(
        "Symmetry: from a constant initialization with the full batch, the first layer ended with \
         {}. Without noise every unit receives the same gradient, so they stay identical, and \
         layer noise such as dropout breaks the symmetry. Minibatch noise alone does not, \
         because all units see the same batch.",
        parts.join(" and ")
    );
    Some(Finding {
        id: "symmetry",
        text,
        values,
    })
}

fn pattern_compression(layers: &Rows) -> Option<Finding> {
    let mut parts = Vec::new();
    let mut values = BTreeMap::new();
    for activation in ["tanh", "relu"] {
        let rows = layers.select(&[("task", "patterns"), ("regime", activation)]);
        let last_hidden_layer = rows
            .iter()
            .filter(|&&r| layers.text("is_output", r) == "false")
            .map(|&r| layers.f64("layer", r))
            .fold(f64::NAN, f64::max);
        if last_hidden_layer.is_nan() {
            continue;
        }
        let series: Vec<(f64, f64)> = rows
            .iter()
            .filter(|&&r| layers.f64("layer", r) == last_hidden_layer)
            .map(|&r| (layers.f64("epoch", r), layers.f64("i_xt_bits", r)))
            .collect();
        let peak = series.iter().map(|p| p.1).fold(f64::NAN, f64::max);
        let last = series.iter().max_by(|a, b| a.0.total_cmp(&b.0))?.1;
        values.insert(format!("{activation}_peak_bits"), peak);
        values.insert(format!("{activation}_final_bits"), last);
        parts.push(format!(
            "{activation}: peak {} bits, final {} bits ({} bits of compression)",
            bits(peak),
            bits(last),
            bits(peak - last)
        ));
    }
    if parts.is_empty() {
        return None;
    }
    let text = format!(
        "Binary-pattern task, last hidden layer, binned I(X;T): {}. Saxe et al. (2018) report \
         compression for tanh and none for ReLU with this kind of binning; the numbers depend on \
         the bin width.",
        parts.join("; ")
    );
    Some(Finding {
        id: "pattern-compression",
        text,
        values,
    })
}

fn multimodal(rows: &Rows) -> Option<Finding> {
    let regressor = rows.select(&[("model", "regressor")]).first().copied()?;
    let stochastic = rows.select(&[("model", "stochastic")]).first().copied()?;
    let mut values = BTreeMap::new();
    let truth = rows.f64("truth_bits", stochastic);
    let near = |row: usize| rows.f64("near_mode_fraction", row);
    let entropy = rows.f64("mode_entropy_bits", stochastic);
    values.insert("truth_bits".to_string(), truth);
    values.insert("regressor_near_mode_fraction".to_string(), near(regressor));
    values.insert(
        "regressor_mean_offset_spacings".to_string(),
        rows.f64("mean_offset_spacings", regressor),
    );
    values.insert(
        "stochastic_near_mode_fraction".to_string(),
        near(stochastic),
    );
    values.insert("stochastic_mode_entropy_bits".to_string(), entropy);
    let recovered = near(stochastic) > 2.0 * near(regressor) && (entropy - truth).abs() < 0.5;
    let text = format!(
        "Multimodal targets ({} modes, {} bits per input): the deterministic regressor put {} \
         of its outputs within a quarter spacing of a mode, on average {} spacings from the \
         centre of the modes (it predicts their mean); the model with a noise input put {} \
         there, spread over the modes with {} bits of entropy{}.",
        rows.f64("modes", stochastic),
        bits(truth),
        percent(near(regressor)),
        bits(rows.f64("mean_offset_spacings", regressor)),
        percent(near(stochastic)),
        bits(entropy),
        if recovered {
            ", recovering them"
        } else {
            "; it did not recover them"
        }
    );
    Some(Finding {
        id: "multimodal",
        text,
        values,
    })
}

fn estimator_checks(checks: &Rows) -> Option<Finding> {
    let statuses = checks.table.str_column("status").ok()?;
    let count = |status: &str| statuses.iter().filter(|s| *s == status).count() as f64;
    let mut values = BTreeMap::new();
    for status in ["pass", "known-fail", "unexpected-pass", "fail", "error"] {
        values.insert(status.replace('-', "_"), count(status));
    }
    let text = format!(
        "Estimator checks against generator truth: {} of {} estimates passed, {} missed for \
         documented reasons (known-fail), {} passed although a failure was expected, and {} \
         failed unexpectedly.",
        count("pass"),
        statuses.len(),
        count("known-fail"),
        count("unexpected-pass"),
        count("fail") + count("error"),
    );
    Some(Finding {
        id: "estimator-checks",
        text,
        values,
    })
}

#[cfg(test)]
mod tests {
    use infocap_data::Column;

    use super::*;

    #[test]
    fn trend_counts_falls() {
        assert_eq!(trend(&[1.0, 2.0, 2.0, 5.0]), Trend::Rising);
        assert_eq!(
            trend(&[-1.9, 1.4, 0.9, 2.3, 1.4]),
            Trend::Mixed { falls: 2, steps: 4 }
        );
        assert_eq!(trend(&[3.0, 4.0, 1.0]), Trend::NotHigher);
        assert_eq!(trend(&[3.0]), Trend::NotHigher);
    }

    fn label_noise_table(gaps: &[f64]) -> Table {
        let n = gaps.len();
        let levels: Vec<f64> = (0..n).map(|i| i as f64 / (n - 1) as f64).collect();
        Table::new()
            .with("task", Column::Str(vec!["label-noise".to_string(); n]))
            .and_then(|t| t.with("level", Column::F64(levels)))
            .and_then(|t| t.with("gap", Column::F64(gaps.to_vec())))
            .and_then(|t| t.with("test_accuracy", Column::F64(vec![0.9; n])))
            .and_then(|t| t.with("memorized_bits", Column::F64(vec![100.0; n])))
            .unwrap()
    }

    #[test]
    fn label_noise_reports_a_dip() {
        let table = label_noise_table(&[0.02, -0.09, -0.15, -0.08, 0.32]);
        let finding = label_noise(&Rows::new(&table)).unwrap();
        assert!(
            finding.text.contains("lowest, -15.0%, with 50.0% random"),
            "{}",
            finding.text
        );
        assert_eq!(finding.values["lowest_gap"], -0.15);
        assert_eq!(finding.values["lowest_gap_fraction"], 0.5);
    }

    #[test]
    fn label_noise_without_dip_says_nothing_more() {
        let table = label_noise_table(&[0.02, 0.1, 0.32]);
        let finding = label_noise(&Rows::new(&table)).unwrap();
        assert!(!finding.text.contains("lowest"), "{}", finding.text);
        assert!(!finding.values.contains_key("lowest_gap"));
    }
}
