//! Optimizers and the optimization noise around them.
//!
//! - SGD, SGD with momentum (v ← μ v + g, w ← w − η v) or Nesterov momentum
//!   (w ← w − η (g + μ v)), as in PyTorch's `torch.optim.SGD`; and Adam (Kingma, Ba 2015,
//!   Algorithm 1) with bias correction.
//! - Weight decay λ as an L2 term: g ← g + λ w for weights (biases do not decay), for every
//!   optimizer; with Adam this is the coupled form, not AdamW.
//! - Learning-rate schedules as a factor on the base rate, evaluated at the fractional epoch.
//! - Annealed gradient noise (Neelakantan et al. 2015, eq. 1): g ← g + N(0, σ_t²) per
//!   component with σ_t² = η / (1 + t)^γ, t the number of updates made so far.
//! - Asynchronous SGD with W workers and staleness τ, simulated: the update at step t uses a
//!   gradient computed at the parameters of step max(0, t − τ). Workers own disjoint shards of
//!   the training set and take turns; with W workers of equal speed real asynchronous SGD has
//!   τ = W − 1, the default.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;

use ndarray::{Array2, Zip};
use rand::Rng;
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use crate::error::NnError;
use crate::float::Float;
use crate::layers::Param;

/// The update rule and its base learning rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Optimizer {
    Sgd {
        lr: f64,
    },
    Momentum {
        lr: f64,
        momentum: f64,
        nesterov: bool,
    },
    Adam {
        lr: f64,
        beta1: f64,
        beta2: f64,
        eps: f64,
    },
}

impl Optimizer {
    /// The names accepted by [`Optimizer::from_str`].
    pub const NAMES: [&'static str; 4] = ["sgd", "momentum", "nesterov", "adam"];

    /// Adam with the usual β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
    pub fn adam(lr: f64) -> Self {
        Optimizer::Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }

    /// Returns the base learning rate.
    pub fn lr(self) -> f64 {
        match self {
            Optimizer::Sgd { lr } | Optimizer::Momentum { lr, .. } | Optimizer::Adam { lr, .. } => {
                lr
            }
        }
    }

    /// Checks the learning rate and the coefficients.
    pub fn validate(self) -> Result<(), NnError> {
        let lr = self.lr();
        if !(lr.is_finite() && lr > 0.0) {
            return Err(NnError::invalid(
                "learning rate",
                lr,
                "use a finite learning rate above 0, such as 1e-3",
            ));
        }
        let in_unit = |name: &str, value: f64| {
            if (0.0..1.0).contains(&value) {
                Ok(())
            } else {
                Err(NnError::invalid(
                    name,
                    value,
                    "use a value in [0, 1), such as 0.9",
                ))
            }
        };
        match self {
            Optimizer::Sgd { .. } => Ok(()),
            Optimizer::Momentum { momentum, .. } => in_unit("momentum", momentum),
            Optimizer::Adam {
                beta1, beta2, eps, ..
            } => {
                in_unit("adam beta1", beta1)?;
                in_unit("adam beta2", beta2)?;
                if eps.is_finite() && eps > 0.0 {
                    Ok(())
                } else {
                    Err(NnError::invalid(
                        "adam eps",
                        eps,
                        "use a small value above 0, such as 1e-8",
                    ))
                }
            }
        }
    }
}

impl fmt::Display for Optimizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Optimizer::Sgd { lr } => write!(f, "sgd:{lr}"),
            Optimizer::Momentum {
                lr,
                momentum,
                nesterov,
            } => {
                let name = if nesterov { "nesterov" } else { "momentum" };
                write!(f, "{name}:{lr},{momentum}")
            }
            Optimizer::Adam {
                lr, beta1, beta2, ..
            } => write!(f, "adam:{lr},{beta1},{beta2}"),
        }
    }
}

impl FromStr for Optimizer {
    type Err = NnError;

    /// Parses `sgd:LR`, `momentum:LR[,MU]`, `nesterov:LR[,MU]` or
    /// `adam:LR[,BETA1,BETA2]`; MU defaults to 0.9.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (name, values) = split_values(text, "optimizer")?;
        let get = |i: usize, default: Option<f64>| {
            values.get(i).copied().or(default).ok_or_else(|| {
                NnError::invalid(
                    "optimizer",
                    text,
                    format!("write {name}:LR, such as {name}:0.01"),
                )
            })
        };
        let optimizer = match name.as_str() {
            "sgd" => Optimizer::Sgd { lr: get(0, None)? },
            "momentum" | "nesterov" => Optimizer::Momentum {
                lr: get(0, None)?,
                momentum: get(1, Some(0.9))?,
                nesterov: name == "nesterov",
            },
            "adam" => Optimizer::Adam {
                lr: get(0, None)?,
                beta1: get(1, Some(0.9))?,
                beta2: get(2, Some(0.999))?,
                eps: 1e-8,
            },
            _ => return Err(NnError::unknown("optimizer", &name, &Optimizer::NAMES)),
        };
        optimizer.validate()?;
        Ok(optimizer)
    }
}

/// Splits `name:v1,v2,...` into the lowercase name and the numbers.
pub(crate) fn split_values(text: &str, what: &str) -> Result<(String, Vec<f64>), NnError> {
    let (name, rest) = match text.split_once(':') {
        Some((name, rest)) => (name, Some(rest)),
        None => (text, None),
    };
    let values = rest
        .map(|rest| {
            rest.split(',')
                .map(|v| {
                    v.trim().parse::<f64>().map_err(|_| {
                        NnError::invalid(what, text, format!("`{}` is not a number", v.trim()))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    Ok((name.trim().to_lowercase(), values))
}

/// A learning-rate factor over training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Schedule {
    #[default]
    Constant,
    /// Multiply by `factor` every `every` epochs.
    Step { every: f64, factor: f64 },
    /// Multiply by `gamma` per epoch.
    Exponential { gamma: f64 },
    /// Half a cosine from 1 to 0 over the run.
    Cosine,
    /// 1 / (1 + epoch / decay).
    InverseTime { decay: f64 },
}

impl Schedule {
    /// The names accepted by [`Schedule::from_str`].
    pub const NAMES: [&'static str; 5] = ["constant", "step", "exp", "cosine", "inverse"];

    /// Returns the factor at fractional epoch `epoch` (0 at the start) of `total`.
    pub fn factor(self, epoch: f64, total: usize) -> f64 {
        match self {
            Schedule::Constant => 1.0,
            Schedule::Step { every, factor } => factor.powf((epoch / every).floor()),
            Schedule::Exponential { gamma } => gamma.powf(epoch),
            Schedule::Cosine => {
                0.5 * (1.0 + (std::f64::consts::PI * epoch / total.max(1) as f64).cos())
            }
            Schedule::InverseTime { decay } => 1.0 / (1.0 + epoch / decay),
        }
    }
}

impl FromStr for Schedule {
    type Err = NnError;

    /// Parses `constant`, `step:EVERY,FACTOR`, `exp:GAMMA`, `cosine` or `inverse:DECAY`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (name, values) = split_values(text, "schedule")?;
        let positive = |i: usize, usage: &str| {
            values
                .get(i)
                .copied()
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or_else(|| {
                    NnError::invalid(
                        "schedule",
                        text,
                        format!("write {usage} with values above 0"),
                    )
                })
        };
        match name.as_str() {
            "constant" => Ok(Schedule::Constant),
            "step" => Ok(Schedule::Step {
                every: positive(0, "step:EVERY_EPOCHS,FACTOR")?,
                factor: positive(1, "step:EVERY_EPOCHS,FACTOR")?,
            }),
            "exp" | "exponential" => Ok(Schedule::Exponential {
                gamma: positive(0, "exp:GAMMA")?,
            }),
            "cosine" => Ok(Schedule::Cosine),
            "inverse" => Ok(Schedule::InverseTime {
                decay: positive(0, "inverse:DECAY_EPOCHS")?,
            }),
            _ => Err(NnError::unknown("schedule", &name, &Schedule::NAMES)),
        }
    }
}

/// Annealed Gaussian gradient noise with variance η / (1 + t)^γ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GradNoise {
    pub eta: f64,
    /// Decay exponent; 0.55 in Neelakantan et al. 2015.
    pub gamma: f64,
}

impl GradNoise {
    /// Returns the noise variance at update `t` (0 for the first update).
    pub fn variance(self, t: usize) -> f64 {
        self.eta / (1.0 + t as f64).powf(self.gamma)
    }

    /// Adds N(0, variance(t)) to every gradient component.
    pub fn apply<'a, F: Float>(
        self,
        grads: impl Iterator<Item = &'a mut Array2<F>>,
        t: usize,
        rng: &mut impl Rng,
    ) {
        let std = self.variance(t).sqrt();
        for grad in grads {
            grad.iter_mut()
                .for_each(|g| *g += F::of(std * rng.sample::<f64, _>(StandardNormal)));
        }
    }
}

/// Simulated asynchronous SGD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AsyncSgd {
    /// Workers, each with its own shard of the training set.
    pub workers: usize,
    /// Updates between reading the parameters and applying the gradient.
    pub staleness: usize,
}

/// The parameter values of the last τ + 1 steps, oldest first.
#[derive(Debug, Clone)]
pub struct StaleParams<F> {
    staleness: usize,
    history: VecDeque<(usize, Vec<Array2<F>>)>,
}

impl<F: Float> StaleParams<F> {
    /// Creates an empty history for staleness τ.
    pub fn new(staleness: usize) -> Self {
        StaleParams {
            staleness,
            history: VecDeque::with_capacity(staleness + 1),
        }
    }

    /// Records the parameters current before update `step` and returns the step whose
    /// parameters the gradient must use, max(0, step − τ).
    pub fn push(&mut self, step: usize, values: Vec<Array2<F>>) -> usize {
        self.history.push_back((step, values));
        while self.history.len() > self.staleness + 1 {
            self.history.pop_front();
        }
        self.history.front().expect("just pushed").0
    }

    /// Returns the oldest recorded parameters, those of step max(0, step − τ).
    pub fn oldest_mut(&mut self) -> &mut Vec<Array2<F>> {
        &mut self.history.front_mut().expect("push runs first").1
    }
}

/// Optimizer state: momentum buffers or Adam moments, one per parameter array.
#[derive(Debug, Clone)]
pub struct OptimizerState<F> {
    optimizer: Optimizer,
    first: Vec<Array2<F>>,
    second: Vec<Array2<F>>,
    steps: usize,
}

impl<F: Float> OptimizerState<F> {
    /// Creates zeroed state for parameters of the given shapes.
    pub fn new<'a>(optimizer: Optimizer, params: impl Iterator<Item = &'a Param<F>>) -> Self {
        let zeros: Vec<Array2<F>> = params.map(|p| Array2::zeros(p.value.raw_dim())).collect();
        let second = if matches!(optimizer, Optimizer::Adam { .. }) {
            zeros.clone()
        } else {
            Vec::new()
        };
        OptimizerState {
            optimizer,
            first: zeros,
            second,
            steps: 0,
        }
    }

    /// Applies weight decay and one update with learning rate `lr` to every parameter from
    /// its gradient.
    pub fn step<'a>(
        &mut self,
        params: impl Iterator<Item = &'a mut Param<F>>,
        lr: f64,
        weight_decay: f64,
    ) {
        self.steps += 1;
        let lr_f = F::of(lr);
        let decay = F::of(weight_decay);
        for (i, param) in params.enumerate() {
            if weight_decay > 0.0 && param.decays {
                Zip::from(&mut param.grad)
                    .and(&param.value)
                    .for_each(|g, &w| *g += decay * w);
            }
            match self.optimizer {
                Optimizer::Sgd { .. } => {
                    param.value.scaled_add(-lr_f, &param.grad);
                }
                Optimizer::Momentum {
                    momentum, nesterov, ..
                } => {
                    let mu = F::of(momentum);
                    let velocity = &mut self.first[i];
                    Zip::from(&mut param.value)
                        .and(velocity)
                        .and(&param.grad)
                        .for_each(|w, v, &g| {
                            *v = mu * *v + g;
                            *w -= lr_f * if nesterov { g + mu * *v } else { *v };
                        });
                }
                Optimizer::Adam {
                    beta1, beta2, eps, ..
                } => {
                    let t = self.steps as i32;
                    let correction1 = 1.0 / (1.0 - beta1.powi(t));
                    let correction2 = 1.0 / (1.0 - beta2.powi(t));
                    let (b1, b2) = (F::of(beta1), F::of(beta2));
                    let (one_b1, one_b2) = (F::of(1.0 - beta1), F::of(1.0 - beta2));
                    let (c1, c2, eps) = (F::of(correction1), F::of(correction2), F::of(eps));
                    // Plain slices let the compiler vectorize the loop.
                    let values = param
                        .value
                        .as_slice_mut()
                        .expect("parameters are contiguous");
                    let first = self.first[i].as_slice_mut().expect("state is contiguous");
                    let second = self.second[i].as_slice_mut().expect("state is contiguous");
                    let grads = param.grad.as_slice().expect("gradients are contiguous");
                    let step = lr_f * c1;
                    for (((w, m), v), &g) in values.iter_mut().zip(first).zip(second).zip(grads) {
                        *m = b1 * *m + one_b1 * g;
                        *v = b2 * *v + one_b2 * g * g;
                        *w -= step * *m / ((*v * c2).sqrt() + eps);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn gradient_noise_variance_follows_schedule() {
        let noise = GradNoise {
            eta: 0.3,
            gamma: 0.55,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for t in [0, 1, 10, 100, 1000] {
            let mut grad = Array2::<f64>::zeros((300, 400));
            noise.apply(std::iter::once(&mut grad), t, &mut rng);
            let measured = grad.mapv(|g| g * g).mean().unwrap();
            let expected = 0.3 / (1.0 + t as f64).powf(0.55);
            // 120,000 draws: the relative standard error of the variance is sqrt(2/n) ≈ 0.004.
            assert!(
                (measured / expected - 1.0).abs() < 0.02,
                "t={t}: {measured} vs {expected}"
            );
        }
    }

    #[test]
    fn stale_params_lag_by_staleness() {
        let mut history = StaleParams::<f64>::new(3);
        for step in 0..10 {
            let values = vec![Array2::from_elem((1, 1), step as f64)];
            let version = history.push(step, values);
            let expected = step.saturating_sub(3);
            assert_eq!(version, expected);
            assert_eq!(history.oldest_mut()[0][(0, 0)], expected as f64);
        }
    }

    #[test]
    fn sgd_and_momentum_updates() {
        let mut param = Param::new(array![[1.0_f64]], true);
        param.grad = array![[0.5]];
        let mut sgd = OptimizerState::new(Optimizer::Sgd { lr: 0.1 }, std::iter::once(&param));
        sgd.step(std::iter::once(&mut param), 0.1, 0.0);
        assert!((param.value[(0, 0)] - 0.95).abs() < 1e-15);

        let optimizer = Optimizer::Momentum {
            lr: 0.1,
            momentum: 0.9,
            nesterov: true,
        };
        let mut param = Param::new(array![[1.0_f64]], true);
        let mut state = OptimizerState::new(optimizer, std::iter::once(&param));
        param.grad = array![[1.0]];
        state.step(std::iter::once(&mut param), 0.1, 0.0);
        // v = 1, update g + mu v = 1.9.
        assert!((param.value[(0, 0)] - 0.81).abs() < 1e-15);
        state.step(std::iter::once(&mut param), 0.1, 0.0);
        // v = 1.9, update 1 + 0.9 * 1.9 = 2.71.
        assert!((param.value[(0, 0)] - (0.81 - 0.271)).abs() < 1e-15);
    }

    #[test]
    fn adam_first_step_moves_by_learning_rate() {
        let mut param = Param::new(array![[1.0_f64, -1.0]], true);
        param.grad = array![[3.0, -0.01]];
        let mut state = OptimizerState::new(Optimizer::adam(0.01), std::iter::once(&param));
        state.step(std::iter::once(&mut param), 0.01, 0.0);
        assert!((param.value[(0, 0)] - 0.99).abs() < 1e-9);
        assert!((param.value[(0, 1)] + 0.99).abs() < 1e-5);
    }

    #[test]
    fn weight_decay_skips_biases() {
        let mut weight = Param::new(array![[2.0_f64]], true);
        let mut bias = Param::new(array![[2.0_f64]], false);
        let mut state =
            OptimizerState::new(Optimizer::Sgd { lr: 0.5 }, [&weight, &bias].into_iter());
        state.step([&mut weight, &mut bias].into_iter(), 0.5, 0.1);
        assert!((weight.value[(0, 0)] - 1.9).abs() < 1e-15);
        assert_eq!(bias.value[(0, 0)], 2.0);
    }

    #[test]
    fn parses_optimizers_and_schedules() {
        assert_eq!(
            "adam:1e-3".parse::<Optimizer>().unwrap(),
            Optimizer::adam(1e-3)
        );
        let error = "sgd:0".parse::<Optimizer>().unwrap_err().to_string();
        assert!(error.contains("above 0"), "{error}");
        let error = "adm:0.1".parse::<Optimizer>().unwrap_err().to_string();
        assert!(error.contains("did you mean `adam`"), "{error}");
        let step: Schedule = "step:10,0.5".parse().unwrap();
        assert_eq!(step.factor(25.0, 100), 0.25);
        assert!((Schedule::Cosine.factor(50.0, 100) - 0.5).abs() < 1e-12);
    }
}
