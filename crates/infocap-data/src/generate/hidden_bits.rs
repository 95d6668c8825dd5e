//! `hidden-bits`: k uniform random bits embedded injectively in R^d, optional Gaussian noise,
//! and an optional label computed from the bits.
//!
//! Embedding. Bit i goes to coordinate i mod d as digit ⌊i/d⌋ (digit 0 most significant). A
//! coordinate with g digits c_0..c_{g−1} ∈ {0,1} takes the level a = Σ_p (2c_p − 1) 2^(g−1−p),
//! one of the 2^g odd integers in [−(2^g − 1), 2^g − 1]. With d ≥ k every used coordinate
//! stores one bit, a = ±1, and the rest are 0. The level vector is permuted at random and turned by a
//! random orthogonal matrix: one Haar block for d ≤ 64, otherwise Haar blocks of 64 on the
//! diagonal, so memory stays O(64 d) even for k = 16,384. The map is injective, so without
//! noise I(S;X) = H(S) = k bits exactly.
//!
//! Noise. X = Q a + N(0, s² I) with Q orthogonal. Qᵀ X = a + N(0, s² I) is a sufficient
//! statistic, and its coordinates are independent channels, so
//! I(S;X) = Σ_j I(A_j; A_j + N(0, s²)) with A_j uniform on the 2^{g_j} levels. Each distinct
//! level count is a one-dimensional Monte Carlo over the exact mixture likelihood,
//! I = ln L − E ln Σ_j exp(−((A + N − a_j)² − N²) / 2s²), reported with its standard error
//! (checked against quadrature in the tests).
//!
//! Labels. Y = rule(first m bits); H(Y) is exact from the rule. Without noise I(X;Y) = H(Y).
//! With noise, I(X;Y) = H(Y) − E H(Y | Qᵀ X), by Monte Carlo over the posterior of the label
//! bits: exact per coordinate, then combined by enumerating the 2^m label patterns (majority
//! and lookup, m ≤ 12) or, for parity, through E[(−1)^parity] = Π_j E[(−1)^parity_j].

use ndarray::{Array2, ArrayView2, linalg::general_mat_mul, s};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use super::chunks::{self, Layout, Rows, mean_and_stderr, structure_rng};
use super::labels::{LabelRule, RULE_NAMES};
use super::params::{ParamDefault, ParamKind, ParamSpec, ValidParams};
use super::{FamilySpec, Generated, quantity_bits};
use crate::closed_form::{binary_entropy_bits, entropy_bits, log_sum_exp, nats_to_bits};
use crate::error::{DataError, Result};
use crate::linalg;

pub(crate) const SPEC: FamilySpec = FamilySpec {
    name: "hidden-bits",
    description: "k uniform bits embedded injectively in R^d, optional Gaussian noise and a \
                  label rule; truth H(S), I(S;X), I(X;Y)",
    params: &[
        ParamSpec {
            name: "k",
            default: ParamDefault::Int(8),
            kind: ParamKind::Int {
                min: 1,
                max: 65_536,
            },
            help: "number of hidden bits; H(S) = k bits",
        },
        ParamSpec {
            name: "d",
            default: ParamDefault::Derived("k"),
            kind: ParamKind::Int {
                min: 1,
                max: 1 << 20,
            },
            help: "dimension of X; d < k packs up to 16 bits per coordinate as levels",
        },
        ParamSpec {
            name: "noise",
            default: ParamDefault::Float(0.0),
            kind: ParamKind::NON_NEGATIVE,
            help: "standard deviation of the Gaussian noise added to X; adjacent levels are 2 \
                   apart",
        },
        ParamSpec {
            name: "label",
            default: ParamDefault::Text("parity"),
            kind: ParamKind::Choice(RULE_NAMES),
            help: "label rule on the first label_bits bits",
        },
        ParamSpec {
            name: "label_bits",
            default: ParamDefault::Derived("k, or min(k, 8) for lookup"),
            kind: ParamKind::Int {
                min: 1,
                max: 65_536,
            },
            help: "number of leading bits the label reads (1 for the bit rule)",
        },
        ParamSpec {
            name: "classes",
            default: ParamDefault::Int(2),
            kind: ParamKind::Int { min: 2, max: 1024 },
            help: "number of classes of the lookup rule",
        },
    ],
    sample,
    default_n: |_| 10_000,
};

/// Largest number of bits stored in one coordinate when d < k.
pub const MAX_DIGITS: usize = 16;

/// Largest label width for majority and lookup labels with noise, whose posterior is summed
/// over all 2^m label patterns.
pub const MAX_NOISY_ENUMERATED_BITS: usize = 12;

/// Side of the Haar blocks of the rotation when d > 64.
const BLOCK: usize = 64;

/// Stream offsets for the fixed structure and the Monte Carlo estimates.
const EMBEDDING_PURPOSE: u64 = 0;
const CHANNEL_PURPOSE: u64 = 10_000;
const LABEL_PURPOSE: u64 = 20_000;
const MONTE_CARLO_CHUNKS: usize = 64;

/// The injective map from bits to R^d.
struct Embedding {
    k: usize,
    d: usize,
    /// Digits (bits) stored in each coordinate before the permutation.
    digits: Vec<usize>,
    /// Position of coordinate j after the permutation.
    position: Vec<usize>,
    /// Orthogonal blocks on the diagonal: first column index and the block.
    blocks: Vec<(usize, Array2<f64>)>,
}

impl Embedding {
    fn new(k: usize, d: usize, seed: u64) -> Result<Embedding> {
        let mut rng = structure_rng(seed, EMBEDDING_PURPOSE);
        let digits = (0..d)
            .map(|j| if j < k { (k - 1 - j) / d + 1 } else { 0 })
            .collect();
        let mut position: Vec<usize> = (0..d).collect();
        position.shuffle(&mut rng);
        let mut blocks = Vec::new();
        let mut start = 0;
        while start < d {
            let size = BLOCK.min(d - start);
            let gaussian =
                Array2::from_shape_simple_fn((size, size), || StandardNormal.sample(&mut rng));
            blocks.push((start, linalg::orthonormal_basis(gaussian.view())?));
            start += size;
        }
        Ok(Embedding {
            k,
            d,
            digits,
            position,
            blocks,
        })
    }

    fn words(&self) -> usize {
        self.k.div_ceil(64)
    }

    /// Writes the permuted level vector of the bits in `words` into `levels`.
    fn levels(&self, words: &[u64], levels: &mut [f64], index: &mut [u64]) {
        index.fill(0);
        for i in 0..self.k {
            let bit = (words[i / 64] >> (i % 64)) & 1;
            let coordinate = i % self.d;
            let digit = i / self.d;
            index[coordinate] |= bit << (self.digits[coordinate] - 1 - digit);
        }
        for coordinate in 0..self.d {
            let g = self.digits[coordinate];
            levels[self.position[coordinate]] = if g == 0 {
                0.0
            } else {
                2.0 * index[coordinate] as f64 - ((1u64 << g) - 1) as f64
            };
        }
    }

    /// Returns X = blocks · levels for each row of `levels`.
    fn rotate(&self, levels: ArrayView2<f64>, mut x: ndarray::ArrayViewMut2<f64>) {
        for (start, block) in &self.blocks {
            let end = start + block.nrows();
            let mut out = x.slice_mut(s![.., *start..end]);
            general_mat_mul(
                1.0,
                &levels.slice(s![.., *start..end]),
                &block.t(),
                0.0,
                &mut out,
            );
        }
    }
}

fn sample(params: &mut ValidParams, n: usize, seed: u64) -> Result<Generated> {
    let k = params.usize("k");
    let d = params.usize_opt("d").unwrap_or(k);
    params.set_derived("d", d);
    let noise = params.f64("noise");
    let min_d = k.div_ceil(MAX_DIGITS);
    if d < min_d {
        return Err(DataError::invalid(
            "d",
            d,
            format!(
                "{k} bits need d >= {min_d}, because a coordinate holds at most {MAX_DIGITS} bits"
            ),
        ));
    }
    let rule_name = params.text("label").to_string();
    let label_bits = params
        .usize_opt("label_bits")
        .unwrap_or(match rule_name.as_str() {
            "lookup" => k.min(8),
            _ => k,
        });
    let label_bits = if rule_name == "bit" { 1 } else { label_bits };
    if rule_name != "none" {
        params.set_derived("label_bits", label_bits);
    }
    let rule = LabelRule::new(&rule_name, label_bits, k, params.usize("classes"), seed)?;
    if noise > 0.0
        && matches!(
            rule,
            Some(LabelRule::Majority { .. } | LabelRule::Lookup { .. })
        )
        && label_bits > MAX_NOISY_ENUMERATED_BITS
    {
        return Err(DataError::invalid(
            "label_bits",
            label_bits,
            format!(
                "with noise, the truth of {rule_name} labels sums over all 2^label_bits patterns; \
                 use label_bits <= {MAX_NOISY_ENUMERATED_BITS}, or the parity rule"
            ),
        ));
    }
    let embedding = Embedding::new(k, d, seed)?;
    tracing::debug!(
        k,
        d,
        noise,
        blocks = embedding.blocks.len(),
        "hidden-bits embedding"
    );

    let layout = Layout {
        x_dim: d,
        y_dim: 0,
        labels: rule.is_some(),
        symbols: k <= 63,
    };
    let samples = chunks::fill(n, layout, seed, |rng, rows| {
        sample_rows(&embedding, rule.as_ref(), noise, rng, rows);
    })?;

    let mut others = vec![quantity_bits(
        "H(S)",
        k as f64,
        0.0,
        format!("{k} independent uniform bits"),
    )];
    let info = if noise == 0.0 {
        quantity_bits(
            "I(S;X)",
            k as f64,
            0.0,
            "noise-free injective embedding: I(S;X) = H(S)",
        )
    } else {
        channel_information(&embedding, noise, seed)
    };
    if let Some(rule) = &rule {
        let label_entropy = entropy_bits(&rule.marginal());
        others.push(quantity_bits(
            "H(Y)",
            label_entropy,
            0.0,
            format!(
                "{}; exact label distribution under uniform bits",
                rule.describe()
            ),
        ));
        others.push(if noise == 0.0 {
            quantity_bits(
                "I(X;Y)",
                label_entropy,
                0.0,
                "Y is a function of S and S of X, so I(X;Y) = H(Y)",
            )
        } else {
            let (conditional, stderr, draws) =
                label_conditional_entropy(&embedding, rule, noise, seed);
            quantity_bits(
                "I(X;Y)",
                (label_entropy - conditional).max(0.0),
                stderr,
                format!(
                    "H(Y) - E H(Y | projection of X onto the embedding), Monte Carlo over {draws} \
                     draws of the posterior of the label bits"
                ),
            )
        });
    }
    Ok(Generated {
        samples,
        n_classes: rule.as_ref().map(LabelRule::classes),
        primary: info,
        others,
    })
}

fn sample_rows(
    embedding: &Embedding,
    rule: Option<&LabelRule>,
    noise: f64,
    rng: &mut ChaCha8Rng,
    rows: Rows<'_>,
) {
    let Rows {
        mut x,
        labels,
        symbols,
        ..
    } = rows;
    let count = x.nrows();
    let mut levels = Array2::<f64>::zeros((count, embedding.d));
    let mut words = vec![0u64; embedding.words()];
    let mut index = vec![0u64; embedding.d];
    let last_mask = match embedding.k % 64 {
        0 => u64::MAX,
        rest => (1u64 << rest) - 1,
    };
    for row in 0..count {
        for word in words.iter_mut() {
            *word = rng.random();
        }
        *words.last_mut().expect("k >= 1") &= last_mask;
        let level_row = levels.row_mut(row);
        embedding.levels(
            &words,
            level_row.into_slice().expect("rows are contiguous"),
            &mut index,
        );
        if let Some(rule) = rule {
            labels[row] = rule.label(&words);
        }
        if !symbols.is_empty() {
            symbols[row] = words[0];
        }
    }
    embedding.rotate(levels.view(), x.view_mut());
    if noise > 0.0 {
        for value in x.iter_mut() {
            let z: f64 = StandardNormal.sample(rng);
            *value += noise * z;
        }
    }
}

/// I(S;X) in bits with noise: the sum over coordinates of the level-channel information.
fn channel_information(embedding: &Embedding, noise: f64, seed: u64) -> crate::truth::Quantity {
    let mut value = 0.0;
    let mut variance = 0.0;
    let mut details = Vec::new();
    for digits in 1..=MAX_DIGITS {
        let count = embedding.digits.iter().filter(|&&g| g == digits).count();
        if count == 0 {
            continue;
        }
        let purpose = CHANNEL_PURPOSE + (digits as u64) * MONTE_CARLO_CHUNKS as u64;
        let (nats, stderr_nats, draws) = level_channel_monte_carlo(digits, noise, seed, purpose);
        value += count as f64 * nats_to_bits(nats);
        variance += (count as f64 * nats_to_bits(stderr_nats)).powi(2);
        details.push(format!(
            "{count} coordinates x {digits} bits ({draws} draws)"
        ));
    }
    quantity_bits(
        "I(S;X)",
        value,
        variance.sqrt(),
        format!(
            "sum over coordinates of I(A; A + N(0, s^2)), A uniform on 2^g levels, by Monte \
             Carlo over the exact mixture likelihood: {}",
            details.join(", ")
        ),
    )
}

/// Returns the range of level indices whose log-weight −((y − a)² − n²)/2s² is above −40,
/// for L levels a = 2i − (L − 1).
fn level_window(levels: usize, y: f64, noise_term: f64, noise: f64) -> (usize, usize) {
    let radius = (noise_term * noise_term + 80.0 * noise * noise).sqrt();
    let top = (levels - 1) as f64;
    let low = ((y - radius + top) / 2.0).ceil().clamp(0.0, top) as usize;
    let high = ((y + radius + top) / 2.0).floor().clamp(0.0, top) as usize;
    (low, high)
}

/// Returns (I in nats, its standard error, draws) of the 2^g-level channel with noise std s.
fn level_channel_monte_carlo(
    digits: usize,
    noise: f64,
    seed: u64,
    purpose: u64,
) -> (f64, f64, usize) {
    let levels = 1usize << digits;
    let window = (levels as f64).min(1.0 + 10.0 * noise);
    let draws_per_chunk =
        ((1u64 << 28) as f64 / window / MONTE_CARLO_CHUNKS as f64).clamp(256.0, 16_384.0) as usize;
    let top = (levels - 1) as f64;
    let variance = noise * noise;
    let parts = chunks::monte_carlo(seed, purpose, MONTE_CARLO_CHUNKS, |rng| {
        let mut sum = 0.0;
        let mut squares = 0.0;
        for _ in 0..draws_per_chunk {
            let sent = rng.random_range(0..levels);
            let z: f64 = StandardNormal.sample(rng);
            let n = noise * z;
            let y = 2.0 * sent as f64 - top + n;
            let (low, high) = level_window(levels, y, n, noise);
            let log_terms = (low..=high).map(|j| {
                let a = 2.0 * j as f64 - top;
                -((y - a).powi(2) - n * n) / (2.0 * variance)
            });
            let value = (levels as f64).ln() - log_sum_exp(log_terms);
            sum += value;
            squares += value * value;
        }
        (sum, squares, draws_per_chunk)
    });
    let (mean, stderr) = mean_and_stderr(&parts);
    (mean, stderr, draws_per_chunk * MONTE_CARLO_CHUNKS)
}

/// Returns E H(Y | Qᵀ X) in bits, its standard error and the number of draws.
fn label_conditional_entropy(
    embedding: &Embedding,
    rule: &LabelRule,
    noise: f64,
    seed: u64,
) -> (f64, f64, usize) {
    let m = rule.bits();
    let d = embedding.d;
    // Coordinates that store label bits, with their digit count g and label-digit count t.
    let involved: Vec<(usize, usize)> = (0..m.min(d))
        .map(|j| (embedding.digits[j], (m - 1 - j) / d + 1))
        .collect();
    let enumerate = !matches!(rule, LabelRule::Parity { .. });
    // Work per draw: the level window of each involved coordinate, plus the enumeration.
    let max_levels = involved
        .iter()
        .map(|&(g, _)| 1usize << g)
        .max()
        .unwrap_or(2);
    let window = (max_levels as f64).min(1.0 + 10.0 * noise);
    let mut cost = involved.len() as f64 * window;
    if enumerate {
        cost += (m << m) as f64;
    }
    let draws_per_chunk =
        ((1u64 << 27) as f64 / cost / MONTE_CARLO_CHUNKS as f64).clamp(4.0, 1024.0) as usize;
    let variance = noise * noise;
    let parts = chunks::monte_carlo(seed, LABEL_PURPOSE, MONTE_CARLO_CHUNKS, |rng| {
        let mut posteriors: Vec<Vec<f64>> =
            involved.iter().map(|&(_, t)| vec![0.0; 1 << t]).collect();
        let mut label_probability = vec![0.0; rule.classes()];
        let mut sum = 0.0;
        let mut squares = 0.0;
        for _ in 0..draws_per_chunk {
            for (&(g, t), posterior) in involved.iter().zip(posteriors.iter_mut()) {
                prefix_posterior(g, t, noise, variance, rng, posterior);
            }
            let entropy = if enumerate {
                enumerated_label_entropy(rule, &involved, &posteriors, d, &mut label_probability)
            } else {
                parity_label_entropy(&posteriors)
            };
            sum += entropy;
            squares += entropy * entropy;
        }
        (sum, squares, draws_per_chunk)
    });
    let (mean, stderr) = mean_and_stderr(&parts);
    (mean, stderr, draws_per_chunk * MONTE_CARLO_CHUNKS)
}

/// Returns H(Y | posteriors) in bits by summing the probability of each of the 2^m label
/// patterns into its class. Label bit i is digit ⌊i/d⌋ of coordinate i mod d.
fn enumerated_label_entropy(
    rule: &LabelRule,
    involved: &[(usize, usize)],
    posteriors: &[Vec<f64>],
    d: usize,
    label_probability: &mut [f64],
) -> f64 {
    label_probability.fill(0.0);
    for z in 0..1u64 << rule.bits() {
        let mut probability = 1.0;
        for (j, (&(_, t), posterior)) in involved.iter().zip(posteriors).enumerate() {
            let mut prefix = 0;
            for p in 0..t {
                let bit = (z >> (p * d + j)) & 1;
                prefix |= (bit as usize) << (t - 1 - p);
            }
            probability *= posterior[prefix];
        }
        label_probability[rule.label_of_pattern(z)] += probability;
    }
    entropy_bits(label_probability)
}

/// Returns H(Y | posteriors) in bits for the parity label, from
/// E[(−1)^parity] = Π_j E[(−1)^(parity of the label digits of coordinate j)].
fn parity_label_entropy(posteriors: &[Vec<f64>]) -> f64 {
    let product: f64 = posteriors
        .iter()
        .map(|posterior| {
            posterior
                .iter()
                .enumerate()
                .map(|(u, q)| if u.count_ones() % 2 == 0 { *q } else { -q })
                .sum::<f64>()
        })
        .product();
    binary_entropy_bits((1.0 - product) / 2.0)
}

/// Draws one coordinate with `g` digits through the noisy channel and writes the posterior of
/// its top `t` digits into `posterior` (index = the t digits, most significant first).
fn prefix_posterior(
    g: usize,
    t: usize,
    noise: f64,
    variance: f64,
    rng: &mut ChaCha8Rng,
    posterior: &mut [f64],
) {
    let levels = 1usize << g;
    let top = (levels - 1) as f64;
    let sent = rng.random_range(0..levels);
    let z: f64 = StandardNormal.sample(rng);
    let n = noise * z;
    let y = 2.0 * sent as f64 - top + n;
    let (low, high) = level_window(levels, y, n, noise);
    posterior.fill(0.0);
    let mut total = 0.0;
    for j in low..=high {
        let a = 2.0 * j as f64 - top;
        let weight = (-((y - a).powi(2) - n * n) / (2.0 * variance)).exp();
        posterior[j >> (g - t)] += weight;
        total += weight;
    }
    for q in posterior.iter_mut() {
        *q /= total;
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Params, generate};
    use super::*;
    use crate::closed_form::{binary_gaussian_mi_nats, pam_gaussian_mi_nats};

    fn hidden(params: Params, n: usize, seed: u64) -> crate::Dataset {
        generate("hidden-bits", &params, n, seed).unwrap()
    }

    fn quantity<'a>(data: &'a crate::Dataset, name: &str) -> &'a crate::Quantity {
        let truth = data.truth.as_ref().unwrap();
        std::iter::once(&truth.primary)
            .chain(&truth.others)
            .find(|q| q.quantity == name)
            .unwrap_or_else(|| panic!("no {name}"))
    }

    #[test]
    fn plug_in_entropy_of_symbols_is_k_bits() {
        let data = hidden(Params::new().with("k", 4), 40_000, 3);
        let symbols = data.symbols.unwrap();
        let counts = super::super::class_counts(symbols.iter().map(|&s| s as usize), 16);
        let probabilities: Vec<f64> = counts.iter().map(|&c| c as f64 / 40_000.0).collect();
        let plug_in = entropy_bits(&probabilities);
        assert!((plug_in - 4.0).abs() < 0.01, "plug-in entropy {plug_in}");
    }

    #[test]
    fn noise_free_rows_recover_the_bits() {
        // Qᵀ x gives back the ±1 levels, which are the symbol's bits.
        for (k, d) in [(5, 5), (5, 9), (70, 100), (12, 4)] {
            let data = hidden(Params::new().with("k", k).with("d", d), 50, 2);
            let embedding = Embedding::new(k, d, 2).unwrap();
            let mut levels = Array2::<f64>::zeros((50, d));
            for (start, block) in &embedding.blocks {
                let end = start + block.nrows();
                let back = data.x.slice(s![.., *start..end]).dot(block);
                levels.slice_mut(s![.., *start..end]).assign(&back);
            }
            for value in levels.iter() {
                let rounded = value.round();
                assert!((value - rounded).abs() < 1e-9, "k={k} d={d}: {value}");
                assert!(rounded == 0.0 || rounded as i64 % 2 != 0, "level {rounded}");
            }
            if let Some(symbols) = &data.symbols {
                // Bit 0 sits at position[0] with level ±1 when d >= k.
                if d >= k {
                    for (row, &symbol) in symbols.iter().enumerate() {
                        let level = levels[(row, embedding.position[0])];
                        assert_eq!(level > 0.0, symbol & 1 == 1);
                    }
                }
            }
        }
    }

    #[test]
    fn rows_are_distinct_for_distinct_symbols() {
        let data = hidden(Params::new().with("k", 3).with("d", 2), 400, 8);
        let symbols = data.symbols.unwrap();
        for a in 0..50 {
            for b in 0..50 {
                let distance: f64 = (&data.x.row(a) - &data.x.row(b)).mapv(|v| v * v).sum();
                assert_eq!(symbols[a] == symbols[b], distance < 1e-12, "rows {a}, {b}");
            }
        }
    }

    #[test]
    fn noisy_binary_channel_matches_quadrature() {
        let data = hidden(Params::new().with("k", 6).with("noise", 0.8), 10, 4);
        let info = quantity(&data, "I(S;X)");
        let exact = 6.0 * nats_to_bits(binary_gaussian_mi_nats(0.8));
        assert!(info.stderr_bits > 0.0);
        assert!(
            (info.bits - exact).abs() < 4.0 * info.stderr_bits,
            "{} vs {exact} (stderr {})",
            info.bits,
            info.stderr_bits
        );
        assert!(info.stderr_bits < 0.01);
    }

    #[test]
    fn noisy_levels_match_quadrature() {
        // k = 6 in d = 2: 3 bits (8 levels) per coordinate.
        let data = hidden(
            Params::new().with("k", 6).with("d", 2).with("noise", 1.5),
            10,
            4,
        );
        let info = quantity(&data, "I(S;X)");
        let exact = 2.0 * nats_to_bits(pam_gaussian_mi_nats(8, 1.5));
        assert!(
            (info.bits - exact).abs() < 4.0 * info.stderr_bits,
            "{} vs {exact} (stderr {})",
            info.bits,
            info.stderr_bits
        );
    }

    #[test]
    fn noisy_bit_label_is_the_binary_channel() {
        let params = Params::new()
            .with("k", 4)
            .with("noise", 1.0)
            .with("label", "bit");
        let data = hidden(params, 10, 6);
        let info = quantity(&data, "I(X;Y)");
        let exact = nats_to_bits(binary_gaussian_mi_nats(1.0));
        assert!(
            (info.bits - exact).abs() < 4.0 * info.stderr_bits + 1e-3,
            "{} vs {exact} (stderr {})",
            info.bits,
            info.stderr_bits
        );
    }

    #[test]
    fn noisy_parity_agrees_with_enumeration() {
        // Parity through the product formula and through enumeration must agree: compare the
        // two-bit parity with a lookup table that equals it.
        let embedding = Embedding::new(2, 2, 1).unwrap();
        let parity = LabelRule::Parity { bits: 2 };
        let table = LabelRule::Lookup {
            bits: 2,
            table: vec![0, 1, 1, 0],
            classes: 2,
        };
        let (a, stderr_a, _) = label_conditional_entropy(&embedding, &parity, 0.7, 5);
        let (b, stderr_b, _) = label_conditional_entropy(&embedding, &table, 0.7, 5);
        assert!((a - b).abs() < 1e-12, "{a} vs {b} ({stderr_a}, {stderr_b})");
        assert!(a > 0.0, "{a}");
        assert!(a < 1.0, "{a}");
    }

    #[test]
    fn noisy_parity_on_levels_agrees_with_enumeration() {
        // k = 5 in d = 2: coordinate 0 stores bits 0, 2, 4 and coordinate 1 bits 1, 3, so the
        // label bits 0..3 share coordinate 0.
        let embedding = Embedding::new(5, 2, 1).unwrap();
        let parity = LabelRule::Parity { bits: 3 };
        let table = (0..8u32).map(|z| (z.count_ones() % 2) as usize).collect();
        let lookup = LabelRule::Lookup {
            bits: 3,
            table,
            classes: 2,
        };
        let (a, _, _) = label_conditional_entropy(&embedding, &parity, 1.2, 5);
        let (b, _, _) = label_conditional_entropy(&embedding, &lookup, 1.2, 5);
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
        assert!(a > 0.0, "{a}");
        assert!(a < 1.0, "{a}");
    }

    #[test]
    fn noise_free_label_information_is_label_entropy() {
        let params = Params::new()
            .with("k", 10)
            .with("label", "majority")
            .with("label_bits", 4);
        let data = hidden(params, 100, 1);
        let expected = binary_entropy_bits(5.0 / 16.0);
        assert!((quantity(&data, "I(X;Y)").bits - expected).abs() < 1e-12);
        assert!((quantity(&data, "H(Y)").bits - expected).abs() < 1e-12);
        assert_eq!(quantity(&data, "I(S;X)").bits, 10.0);
    }

    #[test]
    fn labels_follow_symbols() {
        let params = Params::new()
            .with("k", 6)
            .with("label", "parity")
            .with("label_bits", 3);
        let data = hidden(params, 500, 7);
        for (label, symbol) in data.labels.unwrap().iter().zip(data.symbols.unwrap()) {
            assert_eq!(*label as u32, (symbol & 0b111).count_ones() % 2);
        }
    }

    #[test]
    fn sixteen_thousand_bits_fit() {
        let data = hidden(Params::new().with("k", 16_384).with("label", "none"), 4, 1);
        assert_eq!(data.x.dim(), (4, 16_384));
        assert!(data.symbols.is_none());
        assert_eq!(quantity(&data, "I(S;X)").bits, 16_384.0);
        let norms: Vec<f64> = data.x.rows().into_iter().map(|r| r.dot(&r)).collect();
        for norm in norms {
            assert!((norm - 16_384.0).abs() < 1e-6, "{norm}");
        }
    }

    #[test]
    fn too_small_dimension_is_rejected() {
        let error = generate(
            "hidden-bits",
            &Params::new().with("k", 64).with("d", 3),
            10,
            0,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("need d >= 4"), "{error}");
    }

    #[test]
    fn zero_bits_is_rejected() {
        let error = generate("hidden-bits", &Params::new().with("k", 0), 10, 0)
            .unwrap_err()
            .to_string();
        assert!(error.contains("invalid value 0 for `k`"), "{error}");
    }

    #[test]
    fn negative_noise_is_rejected() {
        let error = generate("hidden-bits", &Params::new().with("noise", -0.1), 10, 0)
            .unwrap_err()
            .to_string();
        assert!(error.contains("invalid value -0.1 for `noise`"), "{error}");
    }
}
