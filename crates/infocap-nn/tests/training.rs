//! End-to-end training behaviour: learning, symmetry, staleness, divergence, probes.

use std::ops::ControlFlow;

use infocap_nn::{
    Activation, AsyncSgd, Data, Init, LayerNoise, Loss, Mode, Model, ModelKind, ModelSpec,
    NoiseSource, Optimizer, ProbeConfig, ProbeEpochs, Split, Target, TrainConfig, Trainer,
    train_as,
};
use ndarray::{Array2, array};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn keep_going(_: &infocap_nn::EpochReport) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

fn xor() -> Data {
    let x = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    Data::new(x).with_labels(vec![0, 1, 1, 0], 2)
}

/// Random inputs with labels from the sign pattern of two coordinates.
fn blobs(n: usize, dim: usize, seed: u64) -> Data {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_simple_fn((n, dim), || rng.random_range(-1.0..1.0));
    let labels = x
        .rows()
        .into_iter()
        .map(|r| usize::from(r[0] > 0.0) + 2 * usize::from(r[1] > 0.0))
        .map(|l| l % 3)
        .collect();
    Data::new(x).with_labels(labels, 3)
}

fn no_probes() -> ProbeConfig {
    ProbeConfig {
        epochs: ProbeEpochs::Never,
        ..ProbeConfig::default()
    }
}

#[test]
fn xor_is_learned() {
    let mut config = TrainConfig::new(ModelSpec::classifier(&[2, 8, 2], Activation::Tanh), 300, 3);
    config.optimizer = Optimizer::adam(0.05);
    config.batch_size = None;
    config.probes = no_probes();
    let outcome = train_as::<f64>(&config, &xor(), &xor(), keep_going).unwrap();
    let last = outcome.epochs.last().unwrap();
    assert_eq!(last.train.accuracy, Some(1.0));
    assert!(last.train.loss_bits.unwrap() < 0.05, "{:?}", last.train);
}

#[test]
fn constant_init_keeps_units_identical_without_noise() {
    let data = blobs(64, 4, 1);
    let run = |noise: Option<&str>, batch: Option<usize>| {
        let mut spec = ModelSpec::classifier(&[4, 6, 5, 3], Activation::Tanh);
        spec.init = Init::Constant { value: 0.1 };
        let mut config = TrainConfig::new(spec, 20, 5);
        config.optimizer = Optimizer::Sgd { lr: 0.5 };
        config.batch_size = batch;
        config.probes = ProbeConfig {
            epochs: ProbeEpochs::List { epochs: vec![20] },
            ..ProbeConfig::default()
        };
        if let Some(noise) = noise {
            config.add_noise(noise.parse().unwrap()).unwrap();
        }
        let outcome = train_as::<f32>(&config, &data, &data, keep_going).unwrap();
        let units = &outcome.probes.units;
        (units[0].distinct_units, units[1].distinct_units)
    };
    assert_eq!(run(None, None), (1, 1), "full batch");
    // Every unit receives the same minibatch, so minibatch noise alone keeps the symmetry too.
    assert_eq!(run(None, Some(8)), (1, 1), "minibatches");
    assert_eq!(run(Some("dropout:0.2"), None), (6, 5), "dropout");
    assert_eq!(run(Some("gauss:0.1"), None), (6, 5), "gaussian noise");
    assert_eq!(run(Some("grad-noise:0.01"), None), (6, 5), "gradient noise");
}

/// The update at step t must use the gradient at the parameters of step max(0, t − τ).
#[test]
fn async_updates_use_gradients_tau_steps_old() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let x = Array2::from_shape_simple_fn((16, 3), || rng.random_range(-1.0..1.0));
    let y = x.dot(&array![[1.0], [-2.0], [0.5]]);
    let data = Data::new(x.clone()).with_targets(y.clone());
    let mut spec = ModelSpec::classifier(&[3, 4, 1], Activation::Tanh);
    spec.kind = ModelKind::Regressor;
    let lr = 0.1;
    let staleness = 3;
    let mut config = TrainConfig::new(spec, 8, 2);
    config.optimizer = Optimizer::Sgd { lr };
    config.batch_size = None;
    config.probes = no_probes();
    config.async_sgd = Some(AsyncSgd {
        workers: 1,
        staleness,
    });

    let mut trainer = Trainer::<f64>::new(config.check().unwrap(), &data, &data).unwrap();
    let mut reference: Model<f64> = trainer.model().clone();
    let mut history = vec![reference.param_values()];
    for _ in 0..8 {
        trainer.run_epoch().unwrap();
    }
    for t in 0..8_usize {
        reference.set_param_values(&history[t.saturating_sub(staleness)]);
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        reference.compute_gradient(x.view(), Target::Values(y.view()), Loss::Mse, &mut rng);
        let grads: Vec<Array2<f64>> = reference.params().map(|p| p.grad.clone()).collect();
        let mut next = history[t].clone();
        for (value, grad) in next.iter_mut().zip(&grads) {
            value.scaled_add(-lr, grad);
        }
        history.push(next);
    }
    let trained = trainer.model().param_values();
    for (a, b) in trained.iter().zip(&history[8]) {
        let difference = (a - b).mapv(f64::abs).fold(0.0_f64, |m, &v| m.max(v));
        assert!(
            difference < 1e-12,
            "stale trajectory differs by {difference}"
        );
    }
    // A fresh-gradient trajectory ends elsewhere, so the comparison above is not vacuous.
    config.async_sgd = None;
    let mut fresh = Trainer::<f64>::new(config.check().unwrap(), &data, &data).unwrap();
    for _ in 0..8 {
        fresh.run_epoch().unwrap();
    }
    let moved = fresh.model().param_values()[0][(0, 0)] - trained[0][(0, 0)];
    assert!(moved.abs() > 1e-6, "{moved}");
}

#[test]
fn divergence_names_epoch_and_layer_and_keeps_good_weights() {
    let data = blobs(32, 4, 2);
    let mut config = TrainConfig::new(
        ModelSpec::classifier(&[4, 16, 16, 3], Activation::Relu),
        50,
        1,
    );
    config.optimizer = Optimizer::Sgd { lr: 1e8 };
    config.probes = no_probes();
    let outcome = train_as::<f32>(&config, &data, &data, keep_going).unwrap();
    let divergence = outcome.divergence.expect("a learning rate of 1e8 diverges");
    assert!(divergence.epoch >= 1);
    assert!(
        divergence.layer.starts_with("layer ") || divergence.layer == "loss",
        "{divergence:?}"
    );
    assert!(
        divergence
            .message
            .contains(&format!("epoch {}", divergence.epoch))
    );
    assert!(
        outcome
            .model
            .params()
            .all(|p| p.value.iter().all(|v| v.is_finite()))
    );
    assert_eq!(outcome.epochs.len(), divergence.epoch);
}

#[test]
fn binary_units_output_plus_minus_one() {
    let data = blobs(64, 4, 3);
    let mut config = TrainConfig::new(ModelSpec::classifier(&[4, 8, 6, 3], Activation::Tanh), 3, 1);
    config.add_noise(NoiseSource::Binary).unwrap();
    config.add_noise(NoiseSource::BinaryWeights).unwrap();
    config.probes.epochs = ProbeEpochs::List { epochs: vec![3] };
    let outcome = train_as::<f32>(&config, &data, &data, keep_going).unwrap();
    let hidden: Vec<_> = outcome
        .probes
        .layers
        .iter()
        .filter(|p| p.layer < 3)
        .collect();
    assert_eq!(hidden.len(), 4, "two hidden layers, two splits");
    for probe in hidden {
        assert!(probe.activations.iter().all(|&v| v == 1.0 || v == -1.0));
    }
    for block in &outcome.model.blocks()[..2] {
        let scale = 1.0 / (block.dense.fan_in() as f32).sqrt();
        let used = block.dense.effective_weight();
        assert!(used.iter().all(|&w| (w.abs() - scale).abs() < 1e-7));
    }
}

#[test]
fn vae_rate_in_metrics_matches_probe_closed_form() {
    let data = blobs(40, 6, 4);
    let x01 = Data::new(data.x.mapv(|v| 0.5 + 0.5 * v));
    let mut spec = ModelSpec::classifier(&[6, 5, 2, 5, 6], Activation::Tanh)
        .with_noise(LayerNoise::Vae { beta: 0.5 });
    spec.kind = ModelKind::Autoencoder;
    let mut config = TrainConfig::new(spec, 4, 9);
    config.probes = ProbeConfig {
        epochs: ProbeEpochs::List { epochs: vec![4] },
        train_samples: 40,
        test_samples: 40,
        gradient_batches: 4,
        eval_mode: false,
    };
    let outcome = train_as::<f64>(&config, &x01, &x01, keep_going).unwrap();
    let metrics_kl = outcome.epochs[4].train.kl_bits.unwrap();
    let probe = outcome
        .probes
        .layers
        .iter()
        .find(|p| p.layer == 2 && p.split == Split::Train)
        .unwrap();
    let (mean, log_var) = (
        probe.mean.as_ref().unwrap(),
        probe.log_var.as_ref().unwrap(),
    );
    let closed_form: f64 = mean
        .iter()
        .zip(log_var.iter())
        .map(|(&m, &lv)| {
            let (m, lv) = (f64::from(m), f64::from(lv));
            0.5 * (m * m + lv.exp() - lv - 1.0)
        })
        .sum::<f64>()
        / 40.0
        / std::f64::consts::LN_2;
    assert!(
        (metrics_kl - closed_form).abs() < 1e-5 * closed_form.max(1.0),
        "{metrics_kl} vs {closed_form}"
    );
    let per_unit: f64 = outcome
        .probes
        .latent
        .iter()
        .filter(|l| l.split == Split::Train)
        .map(|l| l.kl_bits)
        .sum();
    assert!((per_unit - closed_form).abs() < 1e-5 * closed_form.max(1.0));
}

#[test]
fn stochastic_model_recovers_two_modes() {
    // y = x ± 1 with equal probability: the conditional mean x is never a target.
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let n = 512;
    let x = Array2::from_shape_simple_fn((n, 1), || rng.random_range(-1.0..1.0));
    let y = x.mapv(|v| v + if rng.random::<bool>() { 1.0 } else { -1.0 });
    let data = Data::new(x).with_targets(y);
    let mut spec = ModelSpec::classifier(&[1, 32, 32, 1], Activation::Relu);
    spec.kind = ModelKind::Stochastic {
        noise_dims: 1,
        samples: 8,
    };
    let mut config = TrainConfig::new(spec, 60, 2);
    config.optimizer = Optimizer::adam(3e-3);
    config.probes = no_probes();
    let outcome = train_as::<f32>(&config, &data, &data, keep_going).unwrap();
    let mut model = outcome.model;
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let probe = Array2::from_elem((400, 1), 0.2_f32);
    let out = model.forward(probe.view(), Mode::Eval, &mut rng, false);
    let near = |centre: f32| out.iter().filter(|&&v| (v - centre).abs() < 0.4).count();
    let (upper, lower, middle) = (near(1.2), near(-0.8), near(0.2));
    let total = out.len();
    assert!(upper > total / 4, "upper mode {upper} of {total}");
    assert!(lower > total / 4, "lower mode {lower} of {total}");
    assert!(middle < total / 5, "mean {middle} of {total}");
}

#[test]
fn autoencoder_with_one_unit_bottleneck_learns_a_curve() {
    // Points on a one-dimensional curve in 4 dimensions fit through a single unit.
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let t: Vec<f64> = (0..256).map(|_| rng.random_range(-1.0..1.0)).collect();
    let x = Array2::from_shape_fn((256, 4), |(i, j)| match j {
        0 => t[i],
        1 => 0.5 * t[i],
        2 => t[i] * t[i],
        _ => -t[i],
    });
    let data = Data::new(x);
    let mut spec = ModelSpec::classifier(&[4, 16, 1, 16, 4], Activation::Tanh);
    spec.kind = ModelKind::Autoencoder;
    let mut config = TrainConfig::new(spec, 150, 4);
    config.optimizer = Optimizer::adam(1e-2);
    config.batch_size = Some(32);
    config.probes = no_probes();
    let outcome = train_as::<f32>(&config, &data, &data, keep_going).unwrap();
    assert_eq!(outcome.loss, Loss::Mse);
    let first = outcome.epochs[0].train.loss;
    let last = outcome.epochs.last().unwrap().train.loss;
    assert!(last < 0.02 * first, "MSE went from {first} to {last}");
}

#[test]
fn observer_can_stop_training() {
    let mut config = TrainConfig::new(ModelSpec::classifier(&[2, 4, 2], Activation::Tanh), 50, 1);
    config.probes = no_probes();
    let outcome = train_as::<f32>(&config, &xor(), &xor(), |report| {
        if report.epoch == 3 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap();
    assert!(outcome.stopped);
    assert_eq!(outcome.epochs.len(), 4);
}

#[test]
fn probes_cover_every_layer_split_and_epoch() {
    let data = blobs(100, 4, 6);
    let spec = ModelSpec::classifier(&[4, 6, 5, 3], Activation::Tanh)
        .with_noise(LayerNoise::Gauss { std: 0.3 });
    let mut config = TrainConfig::new(spec, 5, 1);
    config.batch_size = Some(10);
    config.probes = ProbeConfig {
        epochs: ProbeEpochs::List {
            epochs: vec![0, 2, 5],
        },
        train_samples: 30,
        test_samples: 20,
        gradient_batches: 5,
        eval_mode: false,
    };
    let outcome = train_as::<f32>(&config, &data, &data, keep_going).unwrap();
    let probes = &outcome.probes;
    assert_eq!(probes.layers.len(), 3 * 3 * 2);
    let first = &probes.layers[0];
    assert_eq!(first.activations.dim(), (30, 6));
    assert_eq!(first.noise_std, Some(0.3));
    let mean = first.mean.as_ref().unwrap();
    let noise = &first.activations - mean;
    let std = (noise.mapv(|v| f64::from(v * v)).sum() / noise.len() as f64).sqrt();
    assert!((std - 0.3).abs() < 0.05, "{std}");
    assert!(
        probes
            .layers
            .iter()
            .filter(|p| p.layer == 3)
            .all(|p| p.mean.is_none())
    );
    // Per probe epoch: one row for all parameters, then one per layer.
    assert_eq!(probes.gradients.len(), 3 * 4);
    for stats in &probes.gradients {
        assert!(stats.grad_mean_norm > 0.0);
        assert!(stats.noise_scale > 0.0);
        assert!(stats.noise_scale.is_finite());
        assert!(stats.grad_snr > 0.0);
        assert!(stats.grad_snr.is_finite());
        assert_eq!(stats.batch_size, 10);
    }
    let all = probes.gradients[0];
    assert_eq!(all.n_params, outcome.model.n_params());
}

#[test]
fn architecture_must_match_data() {
    let config = TrainConfig::new(ModelSpec::classifier(&[3, 4, 2], Activation::Tanh), 1, 1);
    let error = train_as::<f32>(&config, &xor(), &xor(), keep_going)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("takes 3 inputs but the data have 2 columns"),
        "{error}"
    );
    let config = TrainConfig::new(ModelSpec::classifier(&[2, 4, 3], Activation::Tanh), 1, 1);
    let error = train_as::<f32>(&config, &xor(), &xor(), keep_going)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("has 3 outputs but the data have 2 classes"),
        "{error}"
    );
}

#[test]
fn non_finite_data_is_rejected() {
    let mut data = xor();
    data.x[(2, 1)] = f64::NAN;
    let config = TrainConfig::new(ModelSpec::classifier(&[2, 4, 2], Activation::Tanh), 1, 1);
    let error = train_as::<f32>(&config, &data, &xor(), keep_going)
        .unwrap_err()
        .to_string();
    assert!(error.contains("NaN in x at row 2, column 1"), "{error}");
}

#[test]
fn weights_round_trip() {
    let data = blobs(20, 4, 7);
    let mut config = TrainConfig::new(ModelSpec::classifier(&[4, 5, 3], Activation::Tanh), 2, 1);
    config.probes = no_probes();
    let outcome = train_as::<f64>(&config, &data, &data, keep_going).unwrap();
    let json = serde_json::to_string(&outcome.model.to_weights()).unwrap();
    let weights: infocap_nn::Weights = serde_json::from_str(&json).unwrap();
    let restored = Model::<f64>::from_weights(&weights).unwrap();
    assert_eq!(restored.param_values(), outcome.model.param_values());
}

#[test]
fn per_input_loss_bits_match_final_metrics() {
    let data = blobs(50, 4, 8);
    let mut config = TrainConfig::new(ModelSpec::classifier(&[4, 8, 3], Activation::Tanh), 5, 1);
    config.probes = no_probes();
    let outcome = train_as::<f64>(&config, &data, &data, keep_going).unwrap();
    let bits = outcome.per_input_loss_bits(&data).unwrap();
    assert_eq!(bits.len(), 50);
    let mean = bits.iter().sum::<f64>() / 50.0;
    let reported = outcome.epochs.last().unwrap().train.loss_bits.unwrap();
    assert!((mean - reported).abs() < 1e-12, "{mean} vs {reported}");
    let memorized = infocap_nn::memorized_bits(&bits, 3);
    assert!(memorized > 0.0);
    assert!(memorized <= 50.0 * 3f64.log2());
}

#[test]
fn memorized_bits_of_random_labels() {
    // Per-input cross-entropy of 0 on 100 inputs with 4 classes stores 200 bits.
    assert_eq!(infocap_nn::memorized_bits(&[0.0; 100], 4), 200.0);
    assert_eq!(infocap_nn::memorized_bits(&[3.0; 10], 4), 0.0);
}
