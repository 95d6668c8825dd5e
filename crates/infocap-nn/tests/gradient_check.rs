//! Hand-written backward passes against central finite differences in f64.
//!
//! Each case fixes the random stream, so dropout masks, additive noise, VAE draws, dropped
//! residual blocks and noise inputs are the same in every evaluation and the objective is a
//! smooth function of the parameters. The relative error ‖a − n‖ / (‖a‖ + ‖n‖) of every
//! parameter array must stay below 1e-6.

use infocap_nn::{
    Activation, Init, LayerNoise, Loss, Model, ModelKind, ModelSpec, NoisePlacement, Target,
};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const STEP: f64 = 1e-5;
const TOLERANCE: f64 = 1e-6;

enum Owned {
    Labels(Vec<usize>),
    Values(Array2<f64>),
}

impl Owned {
    fn view(&self) -> Target<'_, f64> {
        match self {
            Owned::Labels(labels) => Target::Labels(labels),
            Owned::Values(values) => Target::Values(values.view()),
        }
    }
}

fn random_matrix(rows: usize, cols: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    Array2::from_shape_simple_fn((rows, cols), || rng.random_range(-1.0..1.0))
}

/// Checks every parameter gradient of `spec` with `loss` on a random batch of 6 inputs.
fn check(name: &str, spec: ModelSpec, loss: Loss) {
    let plan = spec.plan().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut model = Model::<f64>::new(&plan, Init::Glorot, &mut rng);
    // Non-zero biases, so that their gradients are tested away from the symmetric start.
    let mut values = model.param_values();
    for value in values.iter_mut().skip(1).step_by(2) {
        value.mapv_inplace(|_| rng.random_range(-0.3..0.3));
    }
    model.set_param_values(&values);

    let n = 6;
    let input_width = plan.input_width();
    let x = match loss {
        Loss::Bce => random_matrix(n, input_width, &mut rng).mapv(|v| 0.5 + 0.4 * v),
        _ => random_matrix(n, input_width, &mut rng),
    };
    let target = match (spec.kind, loss) {
        (ModelKind::Classifier, _) => Owned::Labels(
            (0..n)
                .map(|_| rng.random_range(0..plan.output_width()))
                .collect(),
        ),
        (ModelKind::Autoencoder, _) => Owned::Values(x.clone()),
        _ => Owned::Values(random_matrix(n, plan.output_width(), &mut rng)),
    };
    let objective = |model: &mut Model<f64>| {
        let mut noise = ChaCha8Rng::seed_from_u64(7);
        model
            .compute_gradient(x.view(), target.view(), loss, &mut noise)
            .value
    };

    objective(&mut model);
    let analytic: Vec<Array2<f64>> = model.params().map(|p| p.grad.clone()).collect();
    let base = model.param_values();
    for (i, grad) in analytic.iter().enumerate() {
        let mut numeric = Array2::zeros(grad.raw_dim());
        for index in ndarray::indices(grad.raw_dim()) {
            let mut shifted = base.clone();
            shifted[i][index] += STEP;
            model.set_param_values(&shifted);
            let up = objective(&mut model);
            shifted[i][index] -= 2.0 * STEP;
            model.set_param_values(&shifted);
            let down = objective(&mut model);
            numeric[index] = (up - down) / (2.0 * STEP);
        }
        let norm = |a: &Array2<f64>| a.mapv(|v| v * v).sum().sqrt();
        let error = norm(&(grad - &numeric)) / (norm(grad) + norm(&numeric)).max(1e-300);
        assert!(
            error < TOLERANCE,
            "{name}: parameter array {i} has relative error {error:e}\nanalytic {grad}\nnumeric {numeric}"
        );
        assert!(
            norm(grad) > 0.0,
            "{name}: parameter array {i} has a zero gradient"
        );
    }
}

fn classifier(widths: &[usize], activation: Activation) -> ModelSpec {
    ModelSpec::classifier(widths, activation)
}

#[test]
fn dense_with_each_activation() {
    for activation in [
        Activation::Tanh,
        Activation::Relu,
        Activation::Sigmoid,
        Activation::HardTanh,
        Activation::Identity,
    ] {
        check(
            activation.name(),
            classifier(&[5, 4, 3, 3], activation),
            Loss::CrossEntropy,
        );
    }
}

#[test]
fn dropout_layers() {
    let spec =
        classifier(&[5, 6, 4, 3], Activation::Tanh).with_noise(LayerNoise::Dropout { rate: 0.3 });
    check("dropout", spec, Loss::CrossEntropy);
}

#[test]
fn input_noise() {
    let mut spec = classifier(&[5, 6, 3], Activation::Tanh);
    spec.noise.push(NoisePlacement {
        noise: LayerNoise::Dropout { rate: 0.2 },
        layers: Some(vec![0]),
        at_eval: false,
    });
    check("input dropout", spec, Loss::CrossEntropy);
}

#[test]
fn additive_noise_layers() {
    for noise in [
        LayerNoise::Gauss { std: 0.4 },
        LayerNoise::Uniform { width: 0.8 },
        LayerNoise::Capacity { bits: 1.5 },
    ] {
        let spec = classifier(&[5, 6, 4, 3], Activation::Sigmoid).with_noise(noise);
        check(&noise.label(), spec, Loss::CrossEntropy);
    }
}

#[test]
fn vae_bottleneck_in_classifier() {
    let spec =
        classifier(&[5, 6, 2, 3], Activation::Tanh).with_noise(LayerNoise::Vae { beta: 0.7 });
    check("variational bottleneck", spec, Loss::CrossEntropy);
}

#[test]
fn vae_autoencoder_with_bce_and_mse() {
    for loss in [Loss::Bce, Loss::Mse] {
        let mut spec = classifier(&[5, 4, 2, 4, 5], Activation::Tanh)
            .with_noise(LayerNoise::Vae { beta: 1.3 });
        spec.kind = ModelKind::Autoencoder;
        check(&format!("vae {loss}"), spec, loss);
    }
}

#[test]
fn autoencoder_with_bottleneck_of_one() {
    let mut spec = classifier(&[5, 3, 1, 3, 5], Activation::Tanh);
    spec.kind = ModelKind::Autoencoder;
    check("autoencoder 1", spec, Loss::Mse);
}

#[test]
fn residual_blocks_with_stochastic_depth() {
    for survival in [1.0, 0.5] {
        let mut spec = classifier(&[4, 5, 5, 5, 3], Activation::Tanh);
        spec.stochastic_depth = Some(survival);
        check(
            &format!("stochastic depth {survival}"),
            spec,
            Loss::CrossEntropy,
        );
    }
}

#[test]
fn regressor_mse() {
    let mut spec = classifier(&[4, 5, 2], Activation::Relu);
    spec.kind = ModelKind::Regressor;
    check("regressor", spec, Loss::Mse);
}

#[test]
fn stochastic_model_energy_score() {
    let mut spec = classifier(&[3, 6, 5, 2], Activation::Tanh);
    spec.kind = ModelKind::Stochastic {
        noise_dims: 2,
        samples: 3,
    };
    check("stochastic", spec, Loss::EnergyScore);
}
