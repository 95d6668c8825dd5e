//! One layer of a network: dense, then an activation or a VAE bottleneck, then an optional
//! residual connection with stochastic depth, then optional noise.
//!
//! Stochastic depth (Huang et al. 2016): a residual block h ↦ h + b f(h) keeps its branch with
//! survival probability q during training (b ~ Bernoulli(q), one draw per block and batch) and
//! uses h + q f(h) at evaluation.

use ndarray::Array2;
use rand::Rng;

use super::{Dense, Mode, Noise, Param, vae};
use crate::activation::Activation;
use crate::float::Float;

/// A block's output with the noise-free value and, for a VAE, the log-variance, as recorded by
/// probes.
#[derive(Debug, Clone)]
pub struct BlockOutput<F> {
    /// The value passed to the next block.
    pub output: Array2<F>,
    /// The output before noise (dropout, additive noise, VAE sampling); `None` when the block
    /// adds no noise.
    pub mean: Option<Array2<F>>,
    /// ln σ² per unit, for a VAE bottleneck.
    pub log_var: Option<Array2<F>>,
}

/// A dense layer followed by an activation or VAE bottleneck, an optional residual connection
/// and optional noise.
#[derive(Debug, Clone)]
pub struct Block<F> {
    pub dense: Dense<F>,
    pub activation: Activation,
    /// KL weight β when the block is a VAE bottleneck; the dense layer then has 2w outputs.
    pub vae_beta: Option<f64>,
    /// Survival probability of the residual branch; `None` for a plain block.
    pub survival: Option<f64>,
    pub noise: Option<Noise>,
    cache: Cache<F>,
}

#[derive(Debug, Clone)]
struct Cache<F> {
    z: Option<Array2<F>>,
    a: Option<Array2<F>>,
    vae: Option<vae::VaeSample<F>>,
    /// The factor the residual branch was scaled by: 1 or 0 in training, q at evaluation.
    branch_factor: F,
    mask: Option<Array2<F>>,
    mean: Option<Array2<F>>,
}

impl<F: Float> Block<F> {
    /// Creates a block; a VAE block's dense layer must have twice the block's width.
    pub fn new(
        dense: Dense<F>,
        activation: Activation,
        vae_beta: Option<f64>,
        survival: Option<f64>,
        noise: Option<Noise>,
    ) -> Self {
        Block {
            dense,
            activation,
            vae_beta,
            survival,
            noise,
            cache: Cache {
                z: None,
                a: None,
                vae: None,
                branch_factor: F::one(),
                mask: None,
                mean: None,
            },
        }
    }

    /// Returns the number of output units.
    pub fn width(&self) -> usize {
        if self.vae_beta.is_some() {
            self.dense.fan_out() / 2
        } else {
            self.dense.fan_out()
        }
    }

    /// Returns the trainable parameters: weights, then bias.
    pub fn params(&self) -> [&Param<F>; 2] {
        [&self.dense.weight, &self.dense.bias]
    }

    /// Returns the trainable parameters mutably: weights, then bias.
    pub fn params_mut(&mut self) -> [&mut Param<F>; 2] {
        [&mut self.dense.weight, &mut self.dense.bias]
    }

    /// Runs the block on `x`; keeps what the backward pass needs when `keep` is set and the
    /// noise-free output when `record` is set.
    pub fn forward(
        &mut self,
        x: Array2<F>,
        mode: Mode,
        rng: &mut impl Rng,
        keep: bool,
        record: bool,
    ) -> Array2<F> {
        let z = self.dense.forward(x);
        let mut h = if self.vae_beta.is_some() {
            let (out, sample) = vae::sample(&z, mode, rng);
            self.cache.vae = Some(sample);
            out
        } else {
            let needs_input = keep && self.activation.derivative_needs_input();
            self.cache.z = needs_input.then(|| z.clone());
            let mut a = z;
            self.activation.apply_in_place(&mut a);
            self.cache.a = (keep && self.activation != Activation::Identity).then(|| a.clone());
            a
        };
        if let Some(q) = self.survival {
            let factor = match mode {
                Mode::Train if rng.random::<f64>() < q => F::one(),
                Mode::Train => F::zero(),
                Mode::Eval => F::of(q),
            };
            self.cache.branch_factor = factor;
            h.zip_mut_with(self.dense.input(), |v, &skip| *v = skip + factor * *v);
        }
        let noisy = self.noise.is_some_and(|n| n.is_active(mode));
        self.cache.mean = (record && (noisy || self.vae_beta.is_some())).then(|| {
            match (&self.cache.vae, noisy) {
                (Some(sample), false) => sample.mean.clone(),
                _ => h.clone(),
            }
        });
        if let Some(noise) = self.noise {
            self.cache.mask = noise.apply(&mut h, mode, rng);
        }
        h
    }

    /// Takes the recorded noise-free output and log-variance of the last forward pass.
    pub fn take_record(&mut self, output: Array2<F>) -> BlockOutput<F> {
        BlockOutput {
            output,
            mean: self.cache.mean.take(),
            log_var: self.cache.vae.as_ref().map(|s| s.log_var.clone()),
        }
    }

    /// Returns the KL divergence of the last forward pass summed over units, per row, in
    /// nats, for a VAE block.
    pub fn kl_per_sample_nats(&self) -> Option<ndarray::Array1<f64>> {
        self.cache
            .vae
            .as_ref()
            .map(|s| vae::kl_per_sample_nats(s.mean.view(), s.log_var.view()))
    }

    /// Sets the parameter gradients from dL/d(output) and returns dL/d(input). `batch` is
    /// the number of rows the loss is averaged over, which scales the KL term.
    pub fn backward(
        &mut self,
        mut grad: Array2<F>,
        batch: usize,
        need_input_grad: bool,
    ) -> Option<Array2<F>> {
        Noise::backward(&mut grad, self.cache.mask.as_ref());
        let mut skip = None;
        if self.survival.is_some() {
            skip = Some(grad.clone());
            grad *= self.cache.branch_factor;
        }
        let dz = if let Some(beta) = self.vae_beta {
            let sample = self
                .cache
                .vae
                .as_ref()
                .expect("forward ran before backward");
            vae::backward(&grad, sample, F::of(beta / batch as f64))
        } else {
            if let Some(a) = &self.cache.a {
                // z is kept only for activations whose derivative needs it.
                let z = self.cache.z.as_ref().unwrap_or(a);
                self.activation
                    .backward_in_place(&mut grad, z.view(), a.view());
            }
            grad
        };
        let dx = self.dense.backward(&dz, need_input_grad || skip.is_some());
        match (dx, skip) {
            (Some(mut dx), Some(skip)) => {
                dx += &skip;
                Some(dx)
            }
            (dx, _) => dx,
        }
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array2;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn stochastic_depth_keeps_blocks_with_survival_probability() {
        let dense = Dense::new(Array2::<f64>::eye(3), Array2::zeros((1, 3)), false);
        let mut block = Block::new(dense, Activation::Identity, None, Some(0.7), None);
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let x = Array2::from_elem((2, 3), 1.0);
        let trials = 20_000;
        let mut kept = 0;
        for _ in 0..trials {
            let h = block.forward(x.clone(), Mode::Train, &mut rng, false, false);
            // With an identity branch the output is 2x when kept and x when dropped.
            if h[(0, 0)] == 2.0 {
                kept += 1;
            } else {
                assert_eq!(h[(0, 0)], 1.0);
            }
        }
        let rate = kept as f64 / trials as f64;
        // Standard error sqrt(0.7 * 0.3 / 20,000) ≈ 0.0032.
        assert!((rate - 0.7).abs() < 0.013, "{rate}");
        let h = block.forward(x.clone(), Mode::Eval, &mut rng, false, false);
        assert!((h[(0, 0)] - 1.7).abs() < 1e-12);
    }
}
