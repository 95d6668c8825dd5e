//! Weight initialization.
//!
//! - Glorot (Xavier) uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)) (Glorot, Bengio
//!   2010, eq. 16), suited to tanh and sigmoid.
//! - He normal: N(0, 2 / fan_in) (He et al. 2015, eq. 10), suited to ReLU.
//! - Normal with a given standard deviation.
//! - Constant: every weight and bias equal. Units of a layer then start identical and stay so
//!   under deterministic training, because each receives the same gradient; only noise that
//!   differs between units (dropout, additive noise, gradient noise) breaks the symmetry.
//!
//! Biases start at 0 except under the constant initialization.

use std::fmt;
use std::str::FromStr;

use ndarray::Array2;
use rand::Rng;
use rand_distr::{Distribution, Normal, Uniform};
use serde::{Deserialize, Serialize};

use crate::activation::Activation;
use crate::error::NnError;
use crate::float::Float;

/// How the weights of a dense layer are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Init {
    /// He normal for ReLU layers, Glorot uniform otherwise.
    #[default]
    Auto,
    Glorot,
    He,
    Normal {
        std: f64,
    },
    Constant {
        value: f64,
    },
}

impl Init {
    const NAMES: [&'static str; 5] = ["auto", "glorot", "he", "normal:STD", "constant:VALUE"];

    /// Checks that the parameters are finite (and the standard deviation positive).
    pub fn validate(self) -> Result<(), NnError> {
        match self {
            Init::Normal { std } if !(std.is_finite() && std > 0.0) => Err(NnError::invalid(
                "init normal std",
                std,
                "use a finite standard deviation above 0",
            )),
            Init::Constant { value } if !value.is_finite() => Err(NnError::invalid(
                "init constant",
                value,
                "use a finite value",
            )),
            _ => Ok(()),
        }
    }

    /// Draws a (fan_in, fan_out) weight matrix and the bias row for a layer followed by
    /// `activation`.
    pub fn draw<F: Float>(
        self,
        fan_in: usize,
        fan_out: usize,
        activation: Activation,
        rng: &mut impl Rng,
    ) -> (Array2<F>, Array2<F>) {
        let mut bias = Array2::zeros((1, fan_out));
        let weights = match self {
            Init::Auto if activation == Activation::Relu => {
                Init::He.draw(fan_in, fan_out, activation, rng).0
            }
            Init::Auto | Init::Glorot => {
                let limit = (6.0 / (fan_in + fan_out) as f64).sqrt();
                let uniform = Uniform::new_inclusive(-limit, limit).expect("limit is finite");
                Array2::from_shape_simple_fn((fan_in, fan_out), || F::of(uniform.sample(rng)))
            }
            Init::He => normal_matrix(fan_in, fan_out, (2.0 / fan_in as f64).sqrt(), rng),
            Init::Normal { std } => normal_matrix(fan_in, fan_out, std, rng),
            Init::Constant { value } => {
                bias.fill(F::of(value));
                Array2::from_elem((fan_in, fan_out), F::of(value))
            }
        };
        (weights, bias)
    }
}

fn normal_matrix<F: Float>(rows: usize, cols: usize, std: f64, rng: &mut impl Rng) -> Array2<F> {
    let normal = Normal::new(0.0, std).expect("std is finite and positive");
    Array2::from_shape_simple_fn((rows, cols), || F::of(normal.sample(rng)))
}

impl fmt::Display for Init {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Init::Auto => f.write_str("auto"),
            Init::Glorot => f.write_str("glorot"),
            Init::He => f.write_str("he"),
            Init::Normal { std } => write!(f, "normal:{std}"),
            Init::Constant { value } => write!(f, "constant:{value}"),
        }
    }
}

impl FromStr for Init {
    type Err = NnError;

    /// Parses `auto`, `glorot`, `he`, `normal:STD` or `constant:VALUE`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (name, value) = match text.split_once(':') {
            Some((name, value)) => (name.trim(), Some(value.trim())),
            None => (text.trim(), None),
        };
        let number = |what: &str| -> Result<f64, NnError> {
            let value = value
                .ok_or_else(|| NnError::invalid("init", text, format!("write {name}:{what}")))?;
            value
                .parse()
                .map_err(|_| NnError::invalid("init", text, format!("{what} must be a number")))
        };
        let init = match name.to_lowercase().as_str() {
            "auto" => Init::Auto,
            "glorot" | "xavier" => Init::Glorot,
            "he" | "kaiming" => Init::He,
            "normal" => Init::Normal {
                std: number("STD")?,
            },
            "constant" | "const" => Init::Constant {
                value: number("VALUE")?,
            },
            _ => {
                let names: Vec<&str> = Init::NAMES
                    .iter()
                    .map(|n| n.split(':').next().unwrap_or(n))
                    .collect();
                return Err(NnError::unknown("init", name, &names));
            }
        };
        init.validate()?;
        Ok(init)
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[test]
    fn glorot_limit_bounds_weights() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let (w, b) = Init::Glorot.draw::<f64>(30, 20, Activation::Tanh, &mut rng);
        let limit = (6.0_f64 / 50.0).sqrt();
        assert!(w.iter().all(|v| v.abs() <= limit));
        assert!(w.iter().any(|v| v.abs() > 0.9 * limit));
        assert!(b.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn he_variance_is_two_over_fan_in() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let (w, _) = Init::He.draw::<f64>(200, 300, Activation::Relu, &mut rng);
        let variance = w.iter().map(|v| v * v).sum::<f64>() / w.len() as f64;
        assert!((variance / 0.01 - 1.0).abs() < 0.02, "{variance}");
    }

    #[test]
    fn constant_fills_weights_and_bias() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (w, b) = Init::Constant { value: 0.1 }.draw::<f32>(4, 3, Activation::Tanh, &mut rng);
        assert!(w.iter().chain(b.iter()).all(|&v| v == 0.1));
    }

    #[test]
    fn parses_names_with_values() {
        assert_eq!("he".parse::<Init>().unwrap(), Init::He);
        assert_eq!(
            "constant:0.5".parse::<Init>().unwrap(),
            Init::Constant { value: 0.5 }
        );
        assert!("normal:-1".parse::<Init>().is_err());
        let error = "glorut".parse::<Init>().unwrap_err().to_string();
        assert!(error.contains("did you mean `glorot`"), "{error}");
    }
}
