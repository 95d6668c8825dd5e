//! End-to-end tests of `infocap validate`.

use assert_cmd::Command;
use infocap_data::Table;
use predicates::prelude::*;

fn infocap() -> Command {
    Command::cargo_bin("infocap").unwrap()
}

#[test]
fn quick_validation_passes_and_writes_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("validation");
    infocap()
        .args([
            "validate",
            "--quick",
            "--family",
            "gaussian,patterns",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("gaussian rho=0.75"))
        .stdout(predicate::str::contains("0 fail, 0 error"));

    let table = Table::read(&out.join("validation.parquet")).unwrap();
    let estimators = table.str_column("estimator").unwrap();
    let truths = table.f64_column("truth_bits").unwrap();
    let statuses = table.str_column("status").unwrap();
    // Four gaussian cases with six continuous estimators, one patterns case with two discrete.
    assert_eq!(table.n_rows(), 4 * 6 + 2);
    let ksg = (0..table.n_rows())
        .find(|&i| estimators[i] == "ksg1")
        .unwrap();
    assert!((truths[ksg] - 0.5963).abs() < 1e-4);
    assert_eq!(statuses[ksg], "pass");
    for name in [
        "validation.csv",
        "estimate-vs-truth.png",
        "estimate-vs-truth.svg",
    ] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
}

#[test]
fn json_output_has_rows_and_tally() {
    let output = infocap()
        .args([
            "validate",
            "--quick",
            "--family",
            "additive-uniform",
            "--estimator",
            "ksg1",
        ])
        .arg("--json")
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let row = &json["rows"][0];
    // X ~ U(0, 1), Y = X + U(-0.1, 0.1): I = w/2 - ln w nats with w = 0.2.
    let truth = (0.1 - 0.2f64.ln()) / std::f64::consts::LN_2;
    assert!((row["truth_bits"].as_f64().unwrap() - truth).abs() < 1e-9);
    assert_eq!(json["tally"]["pass"], 1);
}

#[test]
fn unknown_estimator_is_a_usage_error() {
    infocap()
        .args(["validate", "--quick", "--estimator", "ksg3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `ksg1`"));
}

#[test]
fn unknown_family_is_a_usage_error() {
    infocap()
        .args(["validate", "--quick", "--family", "gausian"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `gaussian`"));
}

#[test]
fn existing_output_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    infocap()
        .args(["validate", "--quick", "--family", "patterns", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
}
