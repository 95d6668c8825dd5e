//! Variational bottleneck: a dense layer emits a mean μ and a log-variance ln σ² per latent
//! unit, and the output is the reparameterized sample z = μ + σ ε with ε ~ N(0, 1) (Kingma,
//! Welling 2014, sec. 2.4). The KL divergence to the prior N(0, 1) per unit,
//!
//! ```text
//! KL = 0.5 (μ² + σ² − ln σ² − 1)  nats,
//! ```
//!
//! averaged over inputs and summed over units, upper-bounds I(X; Z) (Alemi et al. 2017).

use ndarray::{Array1, Array2, ArrayView2, Axis, Zip, s};
use rand::Rng;
use rand_distr::StandardNormal;

use super::Mode;
use crate::float::Float;

/// The quantities a VAE bottleneck keeps from its forward pass.
#[derive(Debug, Clone)]
pub struct VaeSample<F> {
    pub mean: Array2<F>,
    pub log_var: Array2<F>,
    /// The standard normal draws, or `None` when the mean was passed through.
    pub eps: Option<Array2<F>>,
}

/// Splits the (batch, 2w) dense output into μ and ln σ² and returns the sample z.
pub fn sample<F: Float>(
    z: &Array2<F>,
    mode: Mode,
    rng: &mut impl Rng,
) -> (Array2<F>, VaeSample<F>) {
    let width = z.ncols() / 2;
    let mean = z.slice(s![.., ..width]).to_owned();
    let log_var = z.slice(s![.., width..]).to_owned();
    if mode == Mode::Eval {
        return (
            mean.clone(),
            VaeSample {
                mean,
                log_var,
                eps: None,
            },
        );
    }
    let eps = Array2::from_shape_simple_fn(mean.raw_dim(), || {
        F::of(rng.sample::<f64, _>(StandardNormal))
    });
    let mut out = mean.clone();
    Zip::from(&mut out)
        .and(&log_var)
        .and(&eps)
        .for_each(|o, &lv, &e| *o += (lv * F::of(0.5)).exp() * e);
    let sample = VaeSample {
        mean,
        log_var,
        eps: Some(eps),
    };
    (out, sample)
}

/// Returns the KL divergence summed over units for each row, in nats.
pub fn kl_per_sample_nats<F: Float>(mean: ArrayView2<F>, log_var: ArrayView2<F>) -> Array1<f64> {
    let mut kl = Array1::zeros(mean.nrows());
    for ((row_mean, row_log_var), out) in mean
        .rows()
        .into_iter()
        .zip(log_var.rows())
        .zip(kl.iter_mut())
    {
        *out = row_mean
            .iter()
            .zip(row_log_var)
            .map(|(&m, &lv)| unit_kl(m.as_f64(), lv.as_f64()))
            .sum();
    }
    kl
}

/// Returns the KL divergence of each unit averaged over rows, in nats.
pub fn kl_per_unit_nats<F: Float>(mean: ArrayView2<F>, log_var: ArrayView2<F>) -> Vec<f64> {
    let rows = mean.nrows().max(1) as f64;
    mean.axis_iter(Axis(1))
        .zip(log_var.axis_iter(Axis(1)))
        .map(|(m, lv)| {
            m.iter()
                .zip(lv)
                .map(|(&m, &lv)| unit_kl(m.as_f64(), lv.as_f64()))
                .sum::<f64>()
                / rows
        })
        .collect()
}

fn unit_kl(mean: f64, log_var: f64) -> f64 {
    0.5 * (mean * mean + log_var.exp() - log_var - 1.0)
}

/// Turns dL/dz into dL/d(μ, ln σ²) of shape (batch, 2w), adding `kl_weight` times the gradient
/// of the per-row KL (the caller passes β divided by the batch size).
pub fn backward<F: Float>(grad: &Array2<F>, sample: &VaeSample<F>, kl_weight: F) -> Array2<F> {
    let (rows, width) = sample.mean.dim();
    let mut out = Array2::zeros((rows, 2 * width));
    let half = F::of(0.5);
    {
        let (mut d_mean, mut d_log_var) = out.view_mut().split_at(Axis(1), width);
        Zip::from(&mut d_mean)
            .and(grad)
            .and(&sample.mean)
            .for_each(|d, &g, &m| *d = g + kl_weight * m);
        Zip::from(&mut d_log_var)
            .and(&sample.log_var)
            .for_each(|d, &lv| *d = kl_weight * half * (lv.exp() - F::one()));
        if let Some(eps) = &sample.eps {
            Zip::from(&mut d_log_var)
                .and(grad)
                .and(&sample.log_var)
                .and(eps)
                .for_each(|d, &g, &lv, &e| *d += g * e * half * (lv * half).exp());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn kl_matches_closed_form() {
        // sigma = 0.5, mu = 1.2: 0.5 (1.44 + 0.25 - 2 ln 0.5 - 1) = 0.5 (0.69 + 1.386294...).
        let sigma: f64 = 0.5;
        let mean = array![[1.2, 0.0]];
        let log_var = array![[2.0 * sigma.ln(), 0.0]];
        let per_unit = kl_per_unit_nats(mean.view(), log_var.view());
        let expected = 0.5 * (1.44 + 0.25 - 2.0 * sigma.ln() - 1.0);
        assert!((per_unit[0] - expected).abs() < 1e-12);
        assert!((per_unit[0] - 1.0381471805599454).abs() < 1e-12);
        assert_eq!(per_unit[1], 0.0, "the prior itself has KL 0");
        let per_sample = kl_per_sample_nats(mean.view(), log_var.view());
        assert!((per_sample[0] - expected).abs() < 1e-12);
    }

    #[test]
    fn evaluation_passes_the_mean() {
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(1);
        let z = array![[0.3, -1.0, 0.1, 0.2]];
        let (out, sample) = super::sample(&z, Mode::Eval, &mut rng);
        assert_eq!(out, array![[0.3, -1.0]]);
        assert!(sample.eps.is_none());
    }
}
