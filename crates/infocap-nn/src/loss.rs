//! Losses on the network output, each with its gradient.
//!
//! - Softmax cross-entropy on logits: −ln softmax(z)_y, in nats (divide by ln 2 for bits).
//! - Mean squared error (1/d) Σ_j (y_j − t_j)² per sample, in squared target units.
//! - Binary cross-entropy on logits, summed over outputs:
//!   Σ_j [max(z_j, 0) − z_j t_j + ln(1 + e^−|z_j|)], in nats, for targets in [0, 1].
//! - Energy score (Gneiting, Raftery 2007, eq. 22) for a model that outputs S samples Y_s per
//!   input: (1/S) Σ_s ‖Y_s − t‖ − 1/(2S(S−1)) Σ_{s≠s'} ‖Y_s − Y_s'‖. It is a strictly proper
//!   scoring rule, so its minimum is reached by the true conditional distribution, and a model
//!   with a noise input can learn several modes where MSE learns their mean. Norms are smoothed
//!   as sqrt(‖d‖² + 1e-12) to stay differentiable at 0.
//!
//! Every function averages over inputs, and gradients are those of that mean.

use std::fmt;
use std::str::FromStr;

use ndarray::{Array2, ArrayView2, Zip};
use serde::{Deserialize, Serialize};

use crate::error::NnError;
use crate::float::Float;

/// The training objective on the network output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Loss {
    CrossEntropy,
    Mse,
    Bce,
    EnergyScore,
}

/// The reference the output is scored against: class labels or target values, one per input.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a, F> {
    Labels(&'a [usize]),
    Values(ArrayView2<'a, F>),
}

impl<F> Target<'_, F> {
    /// Returns the number of inputs.
    pub fn len(&self) -> usize {
        match self {
            Target::Labels(labels) => labels.len(),
            Target::Values(values) => values.nrows(),
        }
    }

    /// Returns true when there are no inputs.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Loss summed over a batch, with the number of correct predictions for labels.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LossSum {
    /// Sum of per-input losses in the loss's natural unit (nats for cross-entropy and BCE).
    pub total: f64,
    /// Number of inputs whose largest logit is the label (cross-entropy only).
    pub correct: usize,
    /// Number of inputs.
    pub count: usize,
}

impl Loss {
    /// The names accepted by [`Loss::from_str`].
    pub const NAMES: [&'static str; 4] = ["ce", "mse", "bce", "energy"];

    /// Returns the name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Loss::CrossEntropy => "ce",
            Loss::Mse => "mse",
            Loss::Bce => "bce",
            Loss::EnergyScore => "energy",
        }
    }

    /// Returns whether the loss is a log-likelihood in nats, so that it converts to bits.
    pub fn is_in_nats(self) -> bool {
        matches!(self, Loss::CrossEntropy | Loss::Bce)
    }

    /// Returns the losses of each input. `group` rows of `output` belong to each input (the
    /// samples of a stochastic-output model; 1 otherwise).
    pub fn per_input<F: Float>(
        self,
        output: &Array2<F>,
        target: Target<'_, F>,
        group: usize,
    ) -> Vec<f64> {
        let mut losses = vec![0.0; target.len()];
        self.run(output, target, group, None, &mut losses);
        losses
    }

    /// Returns the summed loss and, when `grad` is given, writes into it the gradient of the
    /// mean loss over inputs with respect to `output`.
    pub fn evaluate<F: Float>(
        self,
        output: &Array2<F>,
        target: Target<'_, F>,
        group: usize,
        grad: Option<&mut Array2<F>>,
    ) -> LossSum {
        let mut losses = vec![0.0; target.len()];
        let correct = self.run(output, target, group, grad, &mut losses);
        LossSum {
            total: losses.iter().sum(),
            correct,
            count: losses.len(),
        }
    }

    fn run<F: Float>(
        self,
        output: &Array2<F>,
        target: Target<'_, F>,
        group: usize,
        mut grad: Option<&mut Array2<F>>,
        losses: &mut [f64],
    ) -> usize {
        let n = target.len();
        assert_eq!(output.nrows(), n * group, "one group of rows per target");
        if let Some(grad) = grad.as_deref_mut() {
            assert_eq!(grad.dim(), output.dim());
        }
        let scale = 1.0 / n.max(1) as f64;
        let mut correct = 0;
        match (self, target) {
            (Loss::CrossEntropy, Target::Labels(labels)) => {
                for (i, (row, &label)) in output.rows().into_iter().zip(labels).enumerate() {
                    let max = row
                        .iter()
                        .fold(F::neg_infinity(), |m, &v| m.max(v))
                        .as_f64();
                    let log_sum = row
                        .iter()
                        .map(|&v| (v.as_f64() - max).exp())
                        .sum::<f64>()
                        .ln();
                    losses[i] = max + log_sum - row[label].as_f64();
                    let best = row
                        .iter()
                        .enumerate()
                        .fold(0, |b, (j, &v)| if v > row[b] { j } else { b });
                    correct += usize::from(best == label);
                    if let Some(grad) = grad.as_deref_mut() {
                        for (j, (g, &v)) in grad.row_mut(i).iter_mut().zip(row).enumerate() {
                            let p = (v.as_f64() - max - log_sum).exp();
                            let indicator = if j == label { 1.0 } else { 0.0 };
                            *g = F::of((p - indicator) * scale);
                        }
                    }
                }
            }
            (Loss::Mse, Target::Values(values)) => {
                let d = output.ncols() as f64;
                for (i, (row, t)) in output.rows().into_iter().zip(values.rows()).enumerate() {
                    losses[i] = row
                        .iter()
                        .zip(t)
                        .map(|(&y, &t)| (y - t).as_f64().powi(2))
                        .sum::<f64>()
                        / d;
                }
                if let Some(grad) = grad {
                    let factor = F::of(2.0 * scale / d);
                    Zip::from(grad)
                        .and(output)
                        .and(&values)
                        .for_each(|g, &y, &t| *g = factor * (y - t));
                }
            }
            (Loss::Bce, Target::Values(values)) => {
                for (i, (row, t)) in output.rows().into_iter().zip(values.rows()).enumerate() {
                    losses[i] = row
                        .iter()
                        .zip(t)
                        .map(|(&z, &t)| {
                            let (z, t) = (z.as_f64(), t.as_f64());
                            z.max(0.0) - z * t + (-z.abs()).exp().ln_1p()
                        })
                        .sum();
                }
                if let Some(grad) = grad {
                    let factor = F::of(scale);
                    Zip::from(grad)
                        .and(output)
                        .and(&values)
                        .for_each(|g, &z, &t| {
                            *g = factor * (F::one() / (F::one() + (-z).exp()) - t);
                        });
                }
            }
            (Loss::EnergyScore, Target::Values(values)) => {
                energy_score(output, values, group, grad, losses, scale);
            }
            (loss, _) => panic!("loss {loss} got the wrong kind of target"),
        }
        correct
    }
}

/// Writes the energy score of each group of `group` sample rows against its target row.
fn energy_score<F: Float>(
    output: &Array2<F>,
    values: ArrayView2<F>,
    group: usize,
    mut grad: Option<&mut Array2<F>>,
    losses: &mut [f64],
    scale: f64,
) {
    const SMOOTH: f64 = 1e-12;
    let s = group as f64;
    let pair_weight = if group > 1 {
        1.0 / (2.0 * s * (s - 1.0))
    } else {
        0.0
    };
    let d = output.ncols();
    let mut diff = vec![0.0; d];
    for (i, t) in values.rows().into_iter().enumerate() {
        let rows = i * group..(i + 1) * group;
        let mut loss = 0.0;
        for a in rows.clone() {
            for (k, dk) in diff.iter_mut().enumerate() {
                *dk = (output[(a, k)] - t[k]).as_f64();
            }
            let norm = (diff.iter().map(|v| v * v).sum::<f64>() + SMOOTH).sqrt();
            loss += norm / s;
            if let Some(grad) = grad.as_deref_mut() {
                for (k, dk) in diff.iter().enumerate() {
                    grad[(a, k)] = F::of(scale * dk / (norm * s));
                }
            }
            for b in rows.clone().filter(|&b| b != a) {
                for (k, dk) in diff.iter_mut().enumerate() {
                    *dk = (output[(a, k)] - output[(b, k)]).as_f64();
                }
                let norm = (diff.iter().map(|v| v * v).sum::<f64>() + SMOOTH).sqrt();
                loss -= pair_weight * norm;
                if let Some(grad) = grad.as_deref_mut() {
                    // Both ordered pairs (a, b) and (b, a) depend on row a.
                    for (k, dk) in diff.iter().enumerate() {
                        grad[(a, k)] -= F::of(scale * 2.0 * pair_weight * dk / norm);
                    }
                }
            }
        }
        losses[i] = loss;
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Loss {
    type Err = NnError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_lowercase().as_str() {
            "ce" | "cross-entropy" => Ok(Loss::CrossEntropy),
            "mse" => Ok(Loss::Mse),
            "bce" => Ok(Loss::Bce),
            "energy" | "energy-score" => Ok(Loss::EnergyScore),
            _ => Err(NnError::unknown("loss", name, &Loss::NAMES)),
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    #[test]
    fn cross_entropy_of_uniform_logits_is_log_classes() {
        let logits = Array2::<f64>::zeros((2, 4));
        let sum = Loss::CrossEntropy.evaluate(&logits, Target::Labels(&[1, 3]), 1, None);
        assert!((sum.total / 2.0 - 4f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn bce_matches_its_definition() {
        let z: f64 = 0.7;
        let t = 0.25;
        let p = 1.0 / (1.0 + (-z).exp());
        let expected = -(t * p.ln() + (1.0 - t) * (1.0 - p).ln());
        let sum = Loss::Bce.evaluate(&array![[z]], Target::Values(array![[t]].view()), 1, None);
        assert!((sum.total - expected).abs() < 1e-12);
    }

    #[test]
    fn energy_score_of_a_point_mass_is_the_distance() {
        // Two identical samples at distance 5 from the target: 5 - 0.
        let output = array![[3.0, 4.0], [3.0, 4.0]];
        let target = array![[0.0, 0.0]];
        let losses = Loss::EnergyScore.per_input(&output, Target::Values(target.view()), 2);
        assert!((losses[0] - 5.0).abs() < 1e-6);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let output = array![
            [0.3, -1.2, 0.8],
            [1.1, 0.4, -0.6],
            [-0.2, 0.9, 0.5],
            [0.7, 0.1, 0.0]
        ];
        let labels = [2, 0, 1, 1];
        let values = array![
            [0.2, 0.9, 0.4],
            [0.5, 0.1, 0.8],
            [0.3, 0.3, 0.6],
            [0.9, 0.0, 0.1]
        ];
        let two_targets = array![[0.2, 0.9, 0.4], [0.5, 0.1, 0.8]];
        let cases: [(Loss, Target<f64>, usize); 4] = [
            (Loss::CrossEntropy, Target::Labels(&labels), 1),
            (Loss::Mse, Target::Values(values.view()), 1),
            (Loss::Bce, Target::Values(values.view()), 1),
            (Loss::EnergyScore, Target::Values(two_targets.view()), 2),
        ];
        for (loss, target, group) in cases {
            let mut grad = Array2::zeros(output.dim());
            loss.evaluate(&output, target, group, Some(&mut grad));
            let n = target.len() as f64;
            let h = 1e-6;
            let mut numeric = Array2::zeros(output.dim());
            for index in ndarray::indices(output.dim()) {
                let mut plus = output.clone();
                plus[index] += h;
                let mut minus = output.clone();
                minus[index] -= h;
                let up = loss.evaluate(&plus, target, group, None).total;
                let down = loss.evaluate(&minus, target, group, None).total;
                numeric[index] = (up - down) / (2.0 * h * n);
            }
            let error = (&grad - &numeric).mapv(|v| v * v).sum().sqrt()
                / (grad.mapv(|v| v * v).sum().sqrt() + numeric.mapv(|v| v * v).sum().sqrt());
            assert!(error < 1e-6, "{loss}: relative error {error}");
        }
    }
}
