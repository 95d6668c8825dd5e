//! End-to-end tests of `infocap inspect` on generated folders and on plain tables.

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn infocap() -> Command {
    Command::cargo_bin("infocap").expect("the infocap binary is built")
}

#[test]
fn generated_folder_shows_shape_ranges_and_truth() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("u");
    infocap()
        .args(["gen", "additive-uniform", "--set", "e=0.75", "--n", "300"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    infocap()
        .arg("inspect")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("(parquet): 300 rows x 2 columns"))
        .stdout(predicate::str::contains("x0      f64"))
        .stdout(predicate::str::contains(
            "I(X;Y) = 0.4809 bits (exact) = 0.3333 nats",
        ))
        .stdout(predicate::str::contains("e=0.75"));
}

#[test]
fn json_output_lists_columns_and_truth() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("p");
    infocap()
        .args(["gen", "patterns", "--set", "bits=4", "--format", "npy"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let output = infocap()
        .args(["inspect", "--json"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success());
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["rows"], 16);
    assert_eq!(summary["format"], "npy");
    let columns = summary["columns"].as_array().unwrap();
    let names: Vec<&str> = columns
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["x0", "x1", "x2", "x3", "label", "symbol"]);
    // Every pattern once: each bit is 1 in half of the rows.
    assert_eq!(columns[0]["mean"], 0.5);
    assert_eq!(columns[5]["min"], 0.0);
    assert_eq!(columns[5]["max"], 15.0);
    assert_eq!(columns[5]["distinct"], 16);
    assert_eq!(summary["truth"]["family"], "patterns");
    assert_eq!(summary["truth"]["others"][0]["quantity"], "H(X)");
    assert_eq!(summary["truth"]["others"][0]["bits"], 4.0);
}

#[test]
fn plain_csv_table_without_truth() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("results.csv");
    fs::write(
        &path,
        "layer,epoch,i_xt_bits\nl1,0,1.5\nl2,0,2.5\nl1,1,NaN\n",
    )
    .unwrap();
    infocap()
        .arg("inspect")
        .arg(&path)
        .assert()
        .success()
        .stdout(predicate::str::contains("3 rows x 3 columns"))
        .stdout(predicate::str::contains("layer      str"))
        .stdout(predicate::str::contains("2 distinct"))
        .stdout(predicate::str::contains("1 non-finite"))
        .stdout(predicate::str::contains("truth: none"));
}

#[test]
fn single_parquet_file_carries_truth() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("t");
    infocap()
        .args(["gen", "student-t", "--n", "100"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let copy = root.path().join("copy.parquet");
    fs::copy(out.join("data.parquet"), &copy).unwrap();
    infocap()
        .arg("inspect")
        .arg(&copy)
        .assert()
        .success()
        .stdout(predicate::str::contains("truth: family student-t"));
}

#[test]
fn missing_path_exits_2() {
    infocap()
        .args(["inspect", "/no/such/data"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/data"));
}

#[test]
fn wide_table_is_abbreviated() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("wide");
    infocap()
        .args(["gen", "hidden-bits", "--set", "k=64", "--set", "label=none"])
        .args(["--n", "50"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let output = infocap().arg("inspect").arg(&out).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("x0..x63"), "{text}");
    assert!(text.contains("64 columns"), "{text}");
    assert!(text.lines().count() < 12, "{text}");
}
