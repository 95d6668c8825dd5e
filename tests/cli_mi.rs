//! End-to-end tests of `infocap mi` on tables written here.

use std::path::Path;

use assert_cmd::Command;
use infocap_data::{Column, Table};
use predicates::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Writes a table with x0..x2 (x0 and y0 correlated with rho = 0.75, x1 and x2 noise),
/// y0, and epoch = row mod 2.
fn write_gaussian_table(path: &Path, n: usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    // Box-Muller: one standard normal from two uniforms.
    let mut normal = || -> f64 {
        let u: f64 = 1.0 - rng.random::<f64>();
        let v: f64 = rng.random();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    };
    let (mut x0, mut x1, mut x2, mut y0) = (vec![], vec![], vec![], vec![]);
    for _ in 0..n {
        let a = normal();
        x0.push(a);
        y0.push(0.75 * a + (1.0f64 - 0.5625).sqrt() * normal());
        x1.push(normal());
        x2.push(normal());
    }
    let epoch: Vec<i64> = (0..n as i64).map(|i| i % 2).collect();
    Table::new()
        .with("x0", Column::F64(x0))
        .and_then(|t| t.with("x1", Column::F64(x1)))
        .and_then(|t| t.with("x2", Column::F64(x2)))
        .and_then(|t| t.with("y0", Column::F64(y0)))
        .and_then(|t| t.with("epoch", Column::I64(epoch)))
        .unwrap()
        .write(path)
        .unwrap();
}

fn infocap() -> Command {
    Command::cargo_bin("infocap").unwrap()
}

fn json_of(args: &[&str]) -> serde_json::Value {
    let output = infocap().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn ksg_json_on_gaussian_csv() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pairs.csv");
    write_gaussian_table(&file, 3000);
    let value = json_of(&[
        "mi",
        file.to_str().unwrap(),
        "--x",
        "x0",
        "--y",
        "y0",
        "--json",
    ]);
    // Truth 0.5963 bits; KSG at N = 3000 has sd about 0.03 bits.
    let bits = value["bits"].as_f64().unwrap();
    assert!((bits - 0.5963).abs() < 0.1, "{bits}");
    assert_eq!(value["estimator"], "ksg1");
    assert_eq!(value["n"], 3000);
    assert_eq!(value["saturated"], false);
    assert!(value["warnings"].as_array().unwrap().is_empty());
    let low = value["ci_low_bits"].as_f64().unwrap();
    let high = value["ci_high_bits"].as_f64().unwrap();
    assert!(low < bits, "{low} {bits}");
    assert!(bits < high, "{bits} {high}");
}

#[test]
fn parquet_folder_and_column_forms_agree() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    std::fs::create_dir(&folder).unwrap();
    write_gaussian_table(&folder.join("data.parquet"), 1000);
    let folder = folder.to_str().unwrap();
    let run = |x: &str| {
        let value = json_of(&[
            "mi",
            folder,
            "--x",
            x,
            "--y",
            "y0",
            "--json",
            "--resamples",
            "0",
        ]);
        (
            value["raw_bits"].as_f64().unwrap(),
            value["x_columns"].clone(),
        )
    };
    let listed = run("x0,x1,x2");
    assert_eq!(listed.1, serde_json::json!(["x0", "x1", "x2"]));
    assert_eq!(run("x0..x2"), listed);
    assert_eq!(run("x*"), listed);
}

#[test]
fn where_filter_keeps_matching_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pairs.csv");
    write_gaussian_table(&file, 1000);
    let value = json_of(&[
        "mi",
        file.to_str().unwrap(),
        "--x",
        "x0",
        "--y",
        "y0",
        "--where",
        "epoch=1",
        "--json",
    ]);
    assert_eq!(value["n"], 500);
    assert_eq!(value["filters"], serde_json::json!(["epoch=1"]));
}

#[test]
fn self_information_is_reported_saturated() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pairs.csv");
    write_gaussian_table(&file, 1000);
    infocap()
        .args(["mi", file.to_str().unwrap(), "--x", "x0", "--y", "x0"])
        .assert()
        .success()
        .stdout(predicate::str::contains("flags:    saturated"))
        .stdout(predicate::str::contains("I(X;Y) = "));
}

#[test]
fn all_estimators_in_one_call() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pairs.csv");
    write_gaussian_table(&file, 800);
    let value = json_of(&[
        "mi",
        file.to_str().unwrap(),
        "--x",
        "x0",
        "--y",
        "y0",
        "--estimator",
        "all",
        "--json",
        "--resamples",
        "0",
    ]);
    let names: Vec<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["estimator"].as_str().unwrap())
        .collect();
    // The data are not integer-valued, so the discrete estimators are skipped.
    assert_eq!(
        names,
        ["ksg1", "ksg2", "kl", "gaussian", "binned", "binned-mass"]
    );
}

#[test]
fn binned_outside_preset_range_warns_and_reports_range() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pairs.csv");
    write_gaussian_table(&file, 500);
    let value = json_of(&[
        "mi",
        file.to_str().unwrap(),
        "--x",
        "x0",
        "--y",
        "y0",
        "--estimator",
        "binned",
        "--range=-1..1",
        "--bins",
        "10",
        "--json",
    ]);
    let unit = &value["details"]["bins_x"]["units"][0];
    assert!(unit["low"].as_f64().unwrap() < -2.0, "{unit}");
    assert!(unit["high"].as_f64().unwrap() > 2.0, "{unit}");
    let warnings = value["warnings"].to_string();
    assert!(warnings.contains("outside the preset range"), "{warnings}");
}

fn write_csv(dir: &Path, text: &str) -> String {
    let file = dir.join("bad.csv");
    std::fs::write(&file, text).unwrap();
    file.to_str().unwrap().to_string()
}

fn fails_with(args: &[&str], message: &str) {
    infocap()
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(message));
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let nan = write_csv(d, "x0,y0\n1.0,2.0\n2.0,NaN\n3.0,1.0\n4.0,0.5\n5.0,0.1\n");
    fails_with(
        &["mi", &nan, "--x", "x0", "--y", "y0"],
        "Y has NaN at row 1, column 0",
    );

    let constant = write_csv(d, "x0,y0\n1.0,2.0\n1.0,3.0\n1.0,1.0\n1.0,0.5\n1.0,0.1\n");
    fails_with(
        &["mi", &constant, "--x", "x0", "--y", "y0"],
        "X column 0 is constant",
    );

    let few = write_csv(d, "x0,y0\n1.0,2.0\n2.0,3.0\n3.0,1.5\n");
    fails_with(
        &["mi", &few, "--x", "x0", "--y", "y0"],
        "3 samples are too few for ksg1",
    );

    let linear = write_csv(d, "x0,y0\n1.0,3.0\n2.0,5.0\n3.5,8.0\n4.0,9.0\n7.0,15.0\n");
    fails_with(
        &[
            "mi",
            &linear,
            "--x",
            "x0",
            "--y",
            "y0",
            "--estimator",
            "gaussian",
        ],
        "Gaussian MI is infinite",
    );

    let empty = write_csv(d, "");
    fails_with(&["mi", &empty, "--x", "x0", "--y", "y0"], "empty");
    let header_only = write_csv(d, "x0,y0\n");
    fails_with(
        &["mi", &header_only, "--x", "x0", "--y", "y0"],
        "has no rows",
    );

    let good = write_csv(d, "x0,y0\n1.0,2.0\n2.0,3.0\n3.0,1.5\n4.0,0.2\n5.0,0.3\n");
    fails_with(
        &["mi", &good, "--x", "x7", "--y", "y0"],
        "column `x7` not found",
    );
    fails_with(
        &["mi", &good, "--x", "x0", "--y", "y0", "--estimator", "ksg"],
        "did you mean",
    );
    fails_with(
        &["mi", &good, "--x", "x0", "--y", "y0", "--range", "1..0"],
        "--range",
    );
    fails_with(
        &["mi", &good, "--x", "x0", "--y", "y0", "--where", "x0=9"],
        "no rows match",
    );
    fails_with(
        &[
            "mi",
            &d.join("missing.csv").to_string_lossy(),
            "--x",
            "x0",
            "--y",
            "y0",
        ],
        "missing.csv",
    );
}

#[test]
fn npy_folder_from_gen_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("pairs");
    infocap()
        .args(["-q", "gen", "gaussian", "--set", "rho=0.75", "--n", "4000"])
        .args(["--seed", "3", "--format", "npy", "--out"])
        .arg(&folder)
        .assert()
        .success();
    let folder = folder.to_str().unwrap();
    let value = json_of(&[
        "mi",
        folder,
        "--x",
        "x0",
        "--y",
        "y0",
        "--estimator",
        "ksg1",
        "--json",
    ]);
    // Truth: -0.5 log2(1 - 0.75^2) = 0.5963 bits.
    let bits = value["bits"].as_f64().unwrap();
    assert!((bits - 0.5963).abs() < 0.06, "{bits}");
}

#[test]
fn interval_needs_two_replicates() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pairs.csv");
    write_gaussian_table(&file, 400);
    // Half-samples of 200 rows are too few for k = 300, so no replicate succeeds.
    let value = json_of(&[
        "mi",
        file.to_str().unwrap(),
        "--x",
        "x0",
        "--y",
        "y0",
        "--k",
        "300",
        "--json",
    ]);
    assert!(value["ci_low_bits"].is_null(), "{value}");
    assert!(value["ci_high_bits"].is_null(), "{value}");
    assert_eq!(value["interval"]["method"], "none");
}

#[test]
fn missing_file_reason_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    let output = infocap()
        .args(["mi", "--x", "x0", "--y", "y0"])
        .arg(dir.path().join("missing.csv"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("cannot open"), "{stderr}");
    assert_eq!(stderr.matches("no such file").count(), 1, "{stderr}");
}

#[test]
fn closed_stdout_ends_quietly() {
    // A reader that exits before reading (`infocap mi ... | true`): the write fails with a
    // broken pipe, which must end the program with success and no panic message.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pairs.csv");
    write_gaussian_table(&file, 500);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("infocap"))
        .args([
            "mi",
            file.to_str().unwrap(),
            "--x",
            "x0",
            "--y",
            "y0",
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
