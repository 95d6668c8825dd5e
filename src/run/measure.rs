//! Bits carried by each layer at each probe epoch: I(X;T) and I(T;Y) with the method that
//! suits the layer, and the ceiling the layer cannot exceed.
//!
//! X is uniform over the N probe inputs, which are distinct, so H(X) = log2 N.
//!
//! - A deterministic layer (no noise at evaluation) is binned: 30 equal-width bins per unit
//!   over the observed range, joint patterns counted. Then I(X;T) = H(T_binned), which is at
//!   most log2 N and depends on the bin width (Saxe et al. 2018), and I(T;Y) is the plug-in
//!   mutual information of the binned pattern and the label.
//! - A layer with Gaussian noise of std s kept at evaluation (Gaussian noise, the
//!   capacity-limited layer) is T = μ(X) + N(0, s²I). The pairwise-distance bounds of
//!   Kolchinsky and Tracey (2017) bracket I(X;T); their upper (KL) bound is the value
//!   reported. Because I(T;Y) = I(X;T) − Σ_y p(y) I(X;T | Y = y) for a deterministic label,
//!   the bounds on the whole set and on each class give
//!   I_BD − Σ p(y) I_KL,y ≤ I(T;Y) ≤ I_KL − Σ p(y) I_BD,y, and the KL terms alone give the
//!   reported value. Deeper noisy layers see noisy inputs, so their bounds are computed given
//!   the recorded input and capped by the layer before (data processing inequality).
//! - A VAE layer reports its rate, Σ_units KL(N(μ, σ²) ‖ N(0, 1)), an upper bound on I(X;Z).
//! - Sign units carry at most one bit each; they are counted exactly (no bins).
//! - A layer above a noisy layer carries at most that layer's upper bounds about X and Y (data
//!   processing inequality). Every layer has I(T;Y) ≤ I(X;T), because the label is a function
//!   of the input. Values above these bounds are capped.
//!
//! The ceiling is min(Σ unit capacities, H(X), log2 N): 0.5 log2(1 + P/s²) per Gaussian unit
//! with P the measured mean power of μ, c per capacity-limited unit, 1 per sign unit, 32 per
//! float32 unit, and a drop rate p scales a unit's capacity by 1 − p (an erasure channel).

use std::collections::BTreeMap;

use infocap_estimate::binning::{BinScope, BinSize, BinStrategy, BinnedOptions, binned_mi};
use infocap_estimate::capacity::{FLOAT32_BITS, layer_ceiling, vae_rate_bits};
use infocap_estimate::discrete::Correction;
use infocap_estimate::{Estimate, IntervalOptions, pairwise_bounds};
use infocap_nn::spec::BlockPlan;
use infocap_nn::{Activation, LayerNoise, LayerProbe};
use ndarray::{Array2, ArrayView2, Axis};

/// How a layer's output relates to its input at evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Channel {
    /// No noise at evaluation.
    Deterministic,
    /// Additive Gaussian noise of this std kept at evaluation.
    Gaussian { std: f64 },
    /// A VAE bottleneck.
    Vae,
    /// Sign units.
    Binary,
}

impl Channel {
    /// Reads the channel of a layer from its plan.
    pub fn of(block: &BlockPlan) -> Channel {
        if block.vae_beta.is_some() {
            return Channel::Vae;
        }
        if block.activation == Activation::Sign {
            return Channel::Binary;
        }
        match block.noise {
            Some(infocap_nn::layers::Noise::Gauss { std, at_eval: true }) if std > 0.0 => {
                Channel::Gaussian { std }
            }
            _ => Channel::Deterministic,
        }
    }
}

/// What was measured on one layer at one probe epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerBits {
    pub epoch: usize,
    pub layer: usize,
    pub width: usize,
    /// The value reported for I(X;T), in bits.
    pub i_xt_bits: f64,
    pub i_xt_low_bits: f64,
    pub i_xt_high_bits: f64,
    /// `binned`, `pairwise-kl`, `vae-rate`, `exact-binary`, or `upstream-bound` when a noisy
    /// layer below bounds this one more tightly than its own measurement.
    pub i_xt_method: &'static str,
    pub i_ty_bits: f64,
    pub i_ty_low_bits: f64,
    pub i_ty_high_bits: f64,
    pub i_ty_method: &'static str,
    /// The estimate is at the finite-sample ceiling log2 N (every input in its own cell).
    pub saturated: bool,
    /// min(Σ unit capacities, H(X), log2 N).
    pub ceiling_bits: f64,
    /// Σ unit capacities.
    pub capacity_bits: f64,
    pub log2_n_bits: f64,
}

/// A layer's place in the network: its plan, its noise, and whether it is the output.
#[derive(Debug, Clone, Copy)]
pub struct LayerInfo<'a> {
    pub block: &'a BlockPlan,
    pub is_output: bool,
}

/// Settings shared by every measurement of a run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub bins: usize,
    pub seed: u64,
}

impl Settings {
    fn binned(&self) -> BinnedOptions {
        BinnedOptions {
            strategy: BinStrategy::EqualWidth,
            size: BinSize::Count(self.bins),
            scope: BinScope::Unit,
            preset_range: None,
            bin_y: false,
            correction: Correction::None,
            interval: IntervalOptions {
                seed: self.seed,
                ..IntervalOptions::default()
            },
        }
    }
}

/// Measures one probed layer; `labels` are the classes of the probe inputs, and
/// `upstream` the upper bounds of the nearest noisy layer below, if any.
pub fn measure(
    probe: &LayerProbe,
    info: LayerInfo,
    labels: &[usize],
    settings: Settings,
    upstream: Option<Upstream>,
) -> anyhow::Result<LayerBits> {
    let n = probe.activations.nrows();
    anyhow::ensure!(
        n == labels.len(),
        "probe has {n} rows for {} labels",
        labels.len()
    );
    let log2_n_bits = (n as f64).log2();
    let width = probe.activations.ncols();
    let noise_free = probe
        .mean
        .as_ref()
        .unwrap_or(&probe.activations)
        .mapv(f64::from);
    let channel = if info.is_output {
        Channel::Deterministic
    } else {
        Channel::of(info.block)
    };
    let unit_bits = unit_capacity_bits(info, channel, noise_free.view());
    let ceiling = layer_ceiling(&vec![unit_bits; width], log2_n_bits, n)?;

    let mut bits = LayerBits {
        epoch: probe.epoch,
        layer: probe.layer,
        width,
        i_xt_bits: f64::NAN,
        i_xt_low_bits: f64::NAN,
        i_xt_high_bits: f64::NAN,
        i_xt_method: "binned",
        i_ty_bits: f64::NAN,
        i_ty_low_bits: f64::NAN,
        i_ty_high_bits: f64::NAN,
        i_ty_method: "binned",
        saturated: false,
        ceiling_bits: ceiling.bits,
        capacity_bits: ceiling.units_bits,
        log2_n_bits,
    };
    match channel {
        Channel::Gaussian { std } => measure_gaussian(
            &mut bits,
            noise_free.view(),
            std,
            labels,
            upstream.map(|u| u.i_xt_bits),
        )?,
        Channel::Vae => {
            let log_var = probe
                .log_var
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("VAE layer {} has no log-variance", probe.layer))?
                .mapv(f64::from);
            let rate: f64 = vae_rate_bits(noise_free.view(), log_var.view())?
                .iter()
                .sum();
            // The rate bounds I(X;Z) from above, and so does log2 N: report the smaller.
            bits.i_xt_bits = rate.min(bits.ceiling_bits);
            bits.i_xt_high_bits = rate;
            bits.saturated = rate >= bits.ceiling_bits;
            bits.i_xt_method = "vae-rate";
            measure_binned_ty(&mut bits, noise_free.view(), labels, settings)?;
        }
        Channel::Binary => {
            let signs = probe.activations.mapv(|v| if v > 0.0 { 1.0 } else { -1.0 });
            measure_counts(&mut bits, signs.view(), labels, settings)?;
            bits.i_xt_method = "exact-binary";
            bits.i_ty_method = "exact-binary";
        }
        Channel::Deterministic => {
            measure_counts(&mut bits, noise_free.view(), labels, settings)?;
        }
    }
    apply_upper_bounds(&mut bits, upstream);
    Ok(bits)
}

/// Upper bounds, in bits, that a noisy layer sets for every layer computed from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Upstream {
    /// Upper bound on I(X;T) of the noisy layer.
    pub i_xt_bits: f64,
    /// Upper bound on I(T;Y) of the noisy layer.
    pub i_ty_bits: f64,
}

/// Caps what a layer can carry by the bounds that hold for every layer.
///
/// Data processing inequality: a layer computed from a noisy layer below carries at most that
/// layer's upper bounds about X and about Y, whatever its own binned entropy. The labels
/// are a function of the probe inputs, so Y – X – T is a Markov chain and I(T;Y) ≤ I(X;T) as
/// well.
fn apply_upper_bounds(bits: &mut LayerBits, upstream: Option<Upstream>) {
    // `f64::min` would replace a missing (NaN) value with the bound, so those stay missing.
    let at_most = |value: f64, bound: f64| {
        if value.is_nan() {
            value
        } else {
            value.min(bound)
        }
    };
    if let Some(cap) = upstream {
        if bits.i_xt_bits > cap.i_xt_bits {
            bits.i_xt_bits = cap.i_xt_bits;
            bits.i_xt_high_bits = cap.i_xt_bits;
            bits.i_xt_low_bits = f64::NAN;
            bits.i_xt_method = "upstream-bound";
            bits.saturated = false;
        }
        bits.i_ty_bits = at_most(bits.i_ty_bits, cap.i_ty_bits);
        bits.i_ty_high_bits = at_most(bits.i_ty_high_bits, cap.i_ty_bits);
    }
    let i_xt_high = bits.i_xt_high_bits.max(bits.i_xt_bits);
    bits.i_ty_bits = at_most(bits.i_ty_bits, bits.i_xt_bits);
    bits.i_ty_high_bits = at_most(bits.i_ty_high_bits, i_xt_high);
    bits.i_ty_low_bits = at_most(bits.i_ty_low_bits, bits.i_ty_bits);
}

/// Returns one unit's capacity in bits for the layer's channel.
fn unit_capacity_bits(info: LayerInfo, channel: Channel, noise_free: ArrayView2<f64>) -> f64 {
    let keep = match info.block.layer_noise {
        Some(LayerNoise::Dropout { rate }) => 1.0 - rate,
        _ => 1.0,
    };
    let bits = match (channel, info.block.layer_noise) {
        (Channel::Gaussian { .. }, Some(LayerNoise::Capacity { bits })) => bits,
        (Channel::Gaussian { std }, _) => {
            let power = noise_free.iter().map(|v| v * v).sum::<f64>() / noise_free.len() as f64;
            0.5 * (1.0 + power / (std * std)).log2()
        }
        (Channel::Binary, _) => 1.0,
        _ => FLOAT32_BITS,
    };
    keep * bits
}

/// Bins (or, for sign units, counts) the layer: I(X;T) = H(T) and I(T;Y).
fn measure_counts(
    bits: &mut LayerBits,
    values: ArrayView2<f64>,
    labels: &[usize],
    settings: Settings,
) -> anyhow::Result<()> {
    let index = column((0..values.nrows()).map(|i| i as f64));
    let i_xt = binned_mi(values, index.view(), &settings.binned())?;
    set_estimate(
        &mut bits.i_xt_bits,
        &mut bits.i_xt_low_bits,
        &mut bits.i_xt_high_bits,
        &i_xt,
    );
    bits.saturated = i_xt.saturated;
    measure_binned_ty(bits, values, labels, settings)
}

fn measure_binned_ty(
    bits: &mut LayerBits,
    values: ArrayView2<f64>,
    labels: &[usize],
    settings: Settings,
) -> anyhow::Result<()> {
    let y = column(labels.iter().map(|&l| l as f64));
    let i_ty = binned_mi(values, y.view(), &settings.binned())?;
    set_estimate(
        &mut bits.i_ty_bits,
        &mut bits.i_ty_low_bits,
        &mut bits.i_ty_high_bits,
        &i_ty,
    );
    Ok(())
}

fn set_estimate(value: &mut f64, low: &mut f64, high: &mut f64, estimate: &Estimate) {
    *value = estimate.bits;
    *low = estimate.ci_low_bits;
    *high = estimate.ci_high_bits;
}

/// Pairwise bounds on I(X;T) and, through the classes, on I(T;Y).
fn measure_gaussian(
    bits: &mut LayerBits,
    means: ArrayView2<f64>,
    std: f64,
    labels: &[usize],
    upstream_upper_bits: Option<f64>,
) -> anyhow::Result<()> {
    let all = pairwise_bounds(means, std)?;
    let cap = upstream_upper_bits.unwrap_or(f64::INFINITY);
    bits.i_xt_method = "pairwise-kl";
    bits.i_xt_high_bits = all.upper_bits.min(cap);
    bits.i_xt_bits = bits.i_xt_high_bits;
    // The lower bound holds for a layer whose input is X itself.
    bits.i_xt_low_bits = if upstream_upper_bits.is_none() {
        all.lower_bits
    } else {
        f64::NAN
    };

    let mut by_class: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (row, &label) in labels.iter().enumerate() {
        by_class.entry(label).or_default().push(row);
    }
    let n = labels.len() as f64;
    let (mut within_upper, mut within_lower) = (0.0, 0.0);
    for rows in by_class.values() {
        let class_means = means.select(Axis(0), rows);
        let class = pairwise_bounds(class_means.view(), std)?;
        let weight = rows.len() as f64 / n;
        within_upper += weight * class.upper_bits;
        within_lower += weight * class.lower_bits;
    }
    let h_y = label_entropy_bits(&by_class, n);
    let clamp = |v: f64| v.clamp(0.0, h_y);
    bits.i_ty_method = "pairwise-kl";
    bits.i_ty_bits = clamp(all.upper_bits - within_upper).min(bits.i_xt_high_bits);
    bits.i_ty_low_bits = if upstream_upper_bits.is_none() {
        clamp(all.lower_bits - within_upper)
    } else {
        f64::NAN
    };
    bits.i_ty_high_bits = clamp(all.upper_bits - within_lower).min(bits.i_xt_high_bits);
    Ok(())
}

fn label_entropy_bits(by_class: &BTreeMap<usize, Vec<usize>>, n: f64) -> f64 {
    by_class
        .values()
        .map(|rows| {
            let p = rows.len() as f64 / n;
            -p * p.log2()
        })
        .sum()
}

fn column(values: impl Iterator<Item = f64>) -> Array2<f64> {
    let values: Vec<f64> = values.collect();
    let n = values.len();
    Array2::from_shape_vec((n, 1), values).expect("one column")
}

#[cfg(test)]
mod tests {
    use infocap_nn::Split;
    use ndarray::array;

    use super::*;

    fn block(activation: Activation, noise: Option<LayerNoise>) -> BlockPlan {
        let spec = infocap_nn::ModelSpec::classifier(&[2, 4, 2], activation);
        let spec = match noise {
            Some(noise) => spec.with_noise(noise),
            None => spec,
        };
        spec.plan().unwrap().blocks[0].clone()
    }

    fn probe(activations: Array2<f32>, mean: Option<Array2<f32>>) -> LayerProbe {
        LayerProbe {
            epoch: 3,
            layer: 1,
            split: Split::Train,
            activations,
            mean,
            noise_std: None,
            log_var: None,
        }
    }

    const SETTINGS: Settings = Settings { bins: 30, seed: 1 };

    #[test]
    fn distinct_deterministic_codes_reach_log2_n() {
        // Eight inputs with eight distinct codes: I(X;T) = log2 8 = 3 bits, saturated.
        let codes = Array2::from_shape_fn((8, 2), |(i, j)| if j == 0 { i as f32 } else { 0.5 });
        let labels = vec![0, 0, 0, 0, 1, 1, 1, 1];
        let info = LayerInfo {
            block: &block(Activation::Tanh, None),
            is_output: false,
        };
        let bits = measure(&probe(codes, None), info, &labels, SETTINGS, None).unwrap();
        assert!((bits.i_xt_bits - 3.0).abs() < 1e-9, "{bits:?}");
        assert!((bits.i_ty_bits - 1.0).abs() < 1e-9, "{bits:?}");
        assert!(bits.saturated);
        assert_eq!(bits.log2_n_bits, 3.0);
        assert_eq!(bits.ceiling_bits, 3.0);
    }

    #[test]
    fn noisy_layer_below_caps_binned_layer() {
        // Eight distinct codes bin to 3 bits, and the labels copy them (3 bits of I(T;Y)), but
        // a noisy layer below bounds I(X;T) by 1.5 bits, which then bounds I(T;Y) too.
        let codes = Array2::from_shape_fn((8, 1), |(i, _)| i as f32);
        let labels: Vec<usize> = (0..8).collect();
        let info = LayerInfo {
            block: &block(Activation::Tanh, None),
            is_output: true,
        };
        let cap = Upstream {
            i_xt_bits: 1.5,
            i_ty_bits: 2.0,
        };
        let bits = measure(&probe(codes, None), info, &labels, SETTINGS, Some(cap)).unwrap();
        assert_eq!(bits.i_xt_method, "upstream-bound");
        assert_eq!(bits.i_xt_bits, 1.5);
        assert_eq!(bits.i_xt_high_bits, 1.5);
        assert!(bits.i_xt_low_bits.is_nan());
        assert!(!bits.saturated);
        assert_eq!(bits.i_ty_bits, 1.5);
        assert!(bits.i_ty_high_bits <= 1.5);
    }

    #[test]
    fn upstream_label_bound_caps_only_i_ty() {
        let codes = Array2::from_shape_fn((8, 1), |(i, _)| i as f32);
        let labels = vec![0, 0, 0, 0, 1, 1, 1, 1];
        let info = LayerInfo {
            block: &block(Activation::Tanh, None),
            is_output: true,
        };
        // The I(X;T) bound of 5 bits is looser than the binned 3 bits. The I(T;Y) bound of
        // 0.5 bits is tighter than the binned 1 bit, so only I(T;Y) changes.
        let cap = Upstream {
            i_xt_bits: 5.0,
            i_ty_bits: 0.5,
        };
        let bits = measure(&probe(codes, None), info, &labels, SETTINGS, Some(cap)).unwrap();
        assert_eq!(bits.i_xt_method, "binned");
        assert!((bits.i_xt_bits - 3.0).abs() < 1e-9, "{bits:?}");
        assert_eq!(bits.i_ty_bits, 0.5);
        assert!(bits.i_ty_high_bits <= 0.5);
    }

    #[test]
    fn sign_units_count_exactly() {
        // Four inputs, two sign units that copy the label: H(T) = 1 bit, I(T;Y) = 1 bit.
        let activations = array![[1.0f32, -1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, 1.0]];
        let labels = vec![1, 1, 0, 0];
        let info = LayerInfo {
            block: &block(Activation::Sign, None),
            is_output: false,
        };
        let bits = measure(&probe(activations, None), info, &labels, SETTINGS, None).unwrap();
        assert_eq!(bits.i_xt_method, "exact-binary");
        assert!((bits.i_xt_bits - 1.0).abs() < 1e-9, "{bits:?}");
        assert!((bits.i_ty_bits - 1.0).abs() < 1e-9, "{bits:?}");
        // Two units of one bit each.
        assert_eq!(bits.capacity_bits, 2.0);
    }

    #[test]
    fn gaussian_layer_uses_pairwise_bounds() {
        // 16 means on a line with spacing 2 and s = 1: 1.9065 <= I <= 2.5467 nats.
        let means = Array2::from_shape_fn((16, 1), |(i, _)| 2.0 * i as f32);
        let labels: Vec<usize> = (0..16).map(|i| usize::from(i >= 8)).collect();
        let noisy = block(Activation::Tanh, Some(LayerNoise::Capacity { bits: 1.0 }));
        let info = LayerInfo {
            block: &noisy,
            is_output: false,
        };
        let std = match Channel::of(&noisy) {
            Channel::Gaussian { std } => std,
            other => panic!("capacity layer read as {other:?}"),
        };
        assert!((std - (1.0f64 / 3.0).sqrt()).abs() < 1e-12);
        let bits = measure(
            &probe(means.clone(), Some(means)),
            info,
            &labels,
            SETTINGS,
            None,
        );
        let bits = bits.unwrap();
        assert_eq!(bits.i_xt_method, "pairwise-kl");
        assert!(bits.i_xt_low_bits <= bits.i_xt_high_bits);
        // One bit per unit, one unit.
        assert_eq!(bits.capacity_bits, 1.0);
        // Two balanced classes: I(T;Y) is at most H(Y) = 1 bit and the bounds bracket it.
        assert!(bits.i_ty_low_bits <= bits.i_ty_bits && bits.i_ty_bits <= bits.i_ty_high_bits);
        assert!(bits.i_ty_high_bits <= 1.0 + 1e-12);
    }

    #[test]
    fn pairwise_check_value_on_a_line() {
        // Spacing 2 and s = 1 for the published check: bounds 1.9065 and 2.5467 nats.
        let means = Array2::from_shape_fn((16, 1), |(i, _)| 2.0 * i as f64);
        let labels = vec![0; 16];
        let mut bits = LayerBits {
            epoch: 0,
            layer: 1,
            width: 1,
            i_xt_bits: 0.0,
            i_xt_low_bits: 0.0,
            i_xt_high_bits: 0.0,
            i_xt_method: "",
            i_ty_bits: 0.0,
            i_ty_low_bits: 0.0,
            i_ty_high_bits: 0.0,
            i_ty_method: "",
            saturated: false,
            ceiling_bits: 0.0,
            capacity_bits: 0.0,
            log2_n_bits: 4.0,
        };
        measure_gaussian(&mut bits, means.view(), 1.0, &labels, None).unwrap();
        let ln2 = std::f64::consts::LN_2;
        assert!((bits.i_xt_low_bits * ln2 - 1.9065).abs() < 1e-4, "{bits:?}");
        assert!(
            (bits.i_xt_high_bits * ln2 - 2.5467).abs() < 1e-4,
            "{bits:?}"
        );
        // One class: nothing about Y.
        assert_eq!(bits.i_ty_bits, 0.0);
        // A layer above another noisy layer keeps no lower bound and is capped.
        measure_gaussian(&mut bits, means.view(), 1.0, &labels, Some(1.0)).unwrap();
        assert!(bits.i_xt_low_bits.is_nan());
        assert_eq!(bits.i_xt_high_bits, 1.0);
    }

    #[test]
    fn dropout_scales_unit_capacity() {
        let dropped = block(Activation::Tanh, Some(LayerNoise::Dropout { rate: 0.25 }));
        let info = LayerInfo {
            block: &dropped,
            is_output: false,
        };
        let values = Array2::<f64>::zeros((2, 1));
        let bits = unit_capacity_bits(info, Channel::Deterministic, values.view());
        assert_eq!(bits, 0.75 * FLOAT32_BITS);
    }
}
