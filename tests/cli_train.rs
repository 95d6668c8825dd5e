//! End-to-end tests of `infocap train`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn infocap() -> Command {
    Command::cargo_bin("infocap").unwrap()
}

/// Runs a short digits training with the given extra flags, writing into `out`.
fn train(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut command = infocap();
    command.args([
        "-q", "train", "--data", "digits", "--rows", "300", "--epochs", "2",
    ]);
    command.args(["--probe-epochs", "list:0,2", "--probe-samples", "50"]);
    command.arg("--out").arg(out).args(extra).assert()
}

fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

#[test]
fn digits_run_writes_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    train(&out, &["--arch", "64-16-8-10", "--noise", "gauss:0.2"]).success();
    for file in [
        "metrics.parquet",
        "gradients.parquet",
        "units.parquet",
        "weights.json",
        "summary.json",
        "activations/layer1.parquet",
        "activations/layer2.parquet",
        "activations/layer3.parquet",
    ] {
        assert!(out.join(file).is_file(), "missing {file}");
    }
    let metrics = infocap_data::Table::read(&out.join("metrics.parquet")).unwrap();
    assert_eq!(metrics.n_rows(), 3, "epochs 0, 1 and 2");
    assert_eq!(metrics.metadata.get("seed").map(String::as_str), Some("1"));
    let layer1 = infocap_data::Table::read(&out.join("activations/layer1.parquet")).unwrap();
    // 2 probe epochs × (50 train + 50 test) rows.
    assert_eq!(layer1.n_rows(), 200);
    for column in [
        "epoch",
        "split",
        "sample",
        "label",
        "t0",
        "t15",
        "mean15",
        "noise_std",
    ] {
        assert!(layer1.get(column).is_some(), "missing column {column}");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["n_params"], 64 * 16 + 16 + 16 * 8 + 8 + 8 * 10 + 10);
    assert_eq!(summary["seed"], 1);
    assert!(summary["memorization"]["memorized_bits"].as_f64().unwrap() >= 0.0);
}

#[test]
fn every_noise_source_trains_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 13] = [
        &["--noise", "none"],
        &["--noise", "dropout:0.2"],
        &["--noise", "gauss:0.3:eval"],
        &["--noise", "uniform:0.5@0,1"],
        &["--noise", "capacity:2"],
        &["--noise", "vae:0.01"],
        &["--noise", "binary"],
        &["--noise", "binary-weights"],
        &["--noise", "grad-noise:0.01,0.55"],
        &["--noise", "async:4"],
        &["--batch", "1"],
        &["--batch", "full", "--init", "constant:0.05"],
        &[
            "--opt",
            "nesterov:0.05",
            "--schedule",
            "cosine",
            "--weight-decay",
            "1e-4",
        ],
    ];
    for (i, extra) in cases.iter().enumerate() {
        let out = dir.path().join(format!("run{i}"));
        let mut flags = vec!["--arch", "64-16-8-10"];
        flags.extend_from_slice(extra);
        train(&out, &flags).success();
        assert!(
            out.join("activations/layer2.parquet").is_file(),
            "{extra:?}"
        );
    }
    let out = dir.path().join("depth");
    train(
        &out,
        &[
            "--arch",
            "64-16-16-16-10",
            "--noise",
            "stochastic-depth:0.7",
        ],
    )
    .success();
    let out = dir.path().join("vae");
    train(
        &out,
        &[
            "--arch",
            "64-16-2-16-64",
            "--model",
            "autoencoder",
            "--noise",
            "vae:1",
        ],
    )
    .success();
    let latent = infocap_data::Table::read(&out.join("latent.parquet")).unwrap();
    assert_eq!(latent.n_rows(), 2 * 2 * 2, "2 epochs × 2 splits × 2 units");
    let layer2 = infocap_data::Table::read(&out.join("activations/layer2.parquet")).unwrap();
    assert!(layer2.get("log_var1").is_some());
}

#[test]
fn stochastic_model_trains_on_a_table_with_targets() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("pairs.csv");
    let mut text = String::from("x0,y0\n");
    for i in 0..60 {
        let x = f64::from(i) / 60.0;
        let y = if i % 2 == 0 { x + 1.0 } else { x - 1.0 };
        text.push_str(&format!("{x},{y}\n"));
    }
    std::fs::write(&data, text).unwrap();
    let out = dir.path().join("run");
    infocap()
        .args(["-q", "train", "--data"])
        .arg(&data)
        .args(["--arch", "1-8-1", "--model", "stochastic", "--samples", "4"])
        .args(["--epochs", "2", "--probe-epochs", "list:2", "--out"])
        .arg(&out)
        .assert()
        .success();
    let layer1 = infocap_data::Table::read(&out.join("activations/layer1.parquet")).unwrap();
    assert!(layer1.get("draw").is_some());
    assert_eq!(layer1.n_rows(), (48 + 12) * 4);
}

#[test]
fn json_prints_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let assert = train(&dir.path().join("run"), &["--arch", "64-8-10", "--json"]).success();
    let summary: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    assert_eq!(summary["epochs_run"], 2);
    assert_eq!(summary["loss"], "ce");
    assert!(summary["final"]["test"]["accuracy"].as_f64().unwrap() > 0.0);
}

#[test]
fn same_seed_same_weights_at_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let run = |threads: &str| {
        let out = dir.path().join(format!("run{threads}"));
        train(
            &out,
            &[
                "--arch",
                "64-32-10",
                "--noise",
                "dropout:0.3",
                "--threads",
                threads,
            ],
        )
        .success();
        [
            "weights.json",
            "activations/layer1.parquet",
            "metrics.parquet",
            "gradients.parquet",
        ]
        .map(|name| std::fs::read(out.join(name)).unwrap())
    };
    let (one, two) = (run("1"), run("2"));
    for (index, name) in ["weights", "probes", "metrics", "gradients"]
        .iter()
        .enumerate()
    {
        assert!(
            one[index] == two[index],
            "{name} differ between 1 and 2 threads"
        );
    }
}

#[test]
fn bad_input_exits_with_code_two() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let cases: [(&[&str], &str); 7] = [
        (
            &["--arch", "60-16-10"],
            "takes 60 inputs but the data have 64 columns",
        ),
        (
            &["--arch", "64-16-9"],
            "has 9 outputs but the data have 10 classes",
        ),
        (&["--arch", "64-16-10", "--opt", "sgd:0"], "learning rate"),
        (&["--arch", "64-16-10", "--opt", "adam:-1"], "above 0"),
        (&["--arch", "64-16-10", "--noise", "dropout:1"], "[0, 1)"),
        (
            &["--arch", "64-16-10", "--noise", "dropuot:0.2"],
            "did you mean `dropout`",
        ),
        (&["--arch", "64-x-10"], "invalid value `64-x-10` for --arch"),
    ];
    for (flags, message) in cases {
        train(&out, flags)
            .code(2)
            .stderr(predicate::str::contains(message));
        assert!(!out.exists(), "{flags:?} left an output folder");
    }
}

#[test]
fn non_finite_data_exits_with_code_two() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("bad.csv");
    std::fs::write(&data, "x0,x1,label\n0,1,0\n1,NaN,1\n1,1,0\n0,0,1\n0,1,1\n").unwrap();
    infocap()
        .args(["train", "--data"])
        .arg(&data)
        .args(["--arch", "2-4-2", "--out"])
        .arg(dir.path().join("run"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NaN"));
}

#[test]
fn existing_output_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    std::fs::create_dir(&out).unwrap();
    train(&out, &["--arch", "64-8-10"])
        .code(2)
        .stderr(predicate::str::contains("--force"));
    train(&out, &["--arch", "64-8-10", "--force"]).success();
    assert!(out.join("summary.json").is_file());
}

#[test]
fn divergence_exits_with_code_one_and_keeps_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    train(
        &out,
        &["--arch", "64-32-32-10", "--act", "relu", "--opt", "sgd:1e9"],
    )
    .code(1)
    .stderr(predicate::str::contains("training diverged"));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert!(summary["divergence"]["epoch"].as_u64().unwrap() >= 1);
}

#[test]
fn exploding_finite_loss_counts_as_divergence() {
    // sgd at 1e30 drives the loss to about 1e30 while every value stays finite.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    train(&out, &["--arch", "64-32-10", "--opt", "sgd:1e30"])
        .code(1)
        .stderr(predicate::str::contains("training diverged"))
        .stderr(predicate::str::contains("before training"));
}

#[test]
fn mnist_run_when_data_is_present() {
    let mnist = shared_data().join("mnist");
    if !mnist.is_dir() {
        eprintln!("skipped: MNIST not found at {}", mnist.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let source = format!("mnist:{}", mnist.display());
    infocap()
        .args([
            "-q", "train", "--data", &source, "--rows", "1000", "--epochs", "1",
        ])
        .args([
            "--arch",
            "784-64-10",
            "--act",
            "relu",
            "--noise",
            "dropout:0.2",
        ])
        .args([
            "--probe-epochs",
            "list:1",
            "--probe-samples",
            "100",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("activations/layer2.parquet").is_file());
}

/// Returns the test accuracy printed in the `--json` summary.
fn test_accuracy(assert: &assert_cmd::assert::Assert) -> f64 {
    let summary: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    summary["final"]["test"]["accuracy"].as_f64().unwrap()
}

#[test]
fn digits_classifier_reaches_95_percent() {
    let dir = tempfile::tempdir().unwrap();
    let assert = infocap()
        .args([
            "-q", "train", "--data", "digits", "--arch", "64-32-10", "--act", "relu",
        ])
        .args([
            "--epochs",
            "40",
            "--probe-epochs",
            "none",
            "--json",
            "--out",
        ])
        .arg(dir.path().join("run"))
        .assert()
        .success();
    let accuracy = test_accuracy(&assert);
    assert!(accuracy >= 0.95, "test accuracy {accuracy}");
}

#[test]
fn mnist_classifier_with_dropout_reaches_95_percent() {
    let mnist = shared_data().join("mnist");
    if !mnist.is_dir() {
        eprintln!("skipped: MNIST not found at {}", mnist.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = format!("mnist:{}", mnist.display());
    let assert = infocap()
        .args(["-q", "train", "--data", &source, "--test-size", "2000"])
        .args([
            "--arch",
            "784-256-128-10",
            "--act",
            "relu",
            "--noise",
            "dropout:0.2",
        ])
        .args([
            "--epochs",
            "15",
            "--probe-epochs",
            "none",
            "--json",
            "--out",
        ])
        .arg(dir.path().join("run"))
        .assert()
        .success();
    let accuracy = test_accuracy(&assert);
    assert!(accuracy >= 0.95, "test accuracy {accuracy}");
}
