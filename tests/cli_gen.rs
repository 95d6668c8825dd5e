//! End-to-end tests of `infocap gen`: recipes, flags, determinism across thread counts, and
//! the rejection of bad input without partial files.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn infocap() -> Command {
    Command::cargo_bin("infocap").expect("the infocap binary is built")
}

fn recipes() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("data-gen");
    let mut paths: Vec<PathBuf> = fs::read_dir(&folder)
        .expect("data-gen exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
}

fn read_truth(folder: &Path) -> Value {
    let text = fs::read_to_string(folder.join("truth.json")).expect("truth.json exists");
    serde_json::from_str(&text).expect("truth.json is JSON")
}

/// Returns the sorted names in `folder`, without the marker every output folder has.
fn entries(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != infocap_data::atomic::MARKER)
        .collect();
    names.sort();
    names
}

#[test]
fn flags_write_data_and_truth() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("g");
    infocap()
        .args([
            "gen", "gaussian", "--set", "rho=0.75", "--n", "500", "--seed", "3",
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "truth I(X;Y) = 0.5963 bits (0.4133 nats)",
        ));
    assert_eq!(entries(&out), vec!["data.parquet", "truth.json"]);
    let truth = read_truth(&out);
    assert_eq!(truth["family"], "gaussian");
    assert_eq!(truth["quantity"], "I(X;Y)");
    assert!((truth["bits"].as_f64().unwrap() - 0.5963).abs() < 1e-4);
    assert!((truth["nats"].as_f64().unwrap() - 0.4133).abs() < 1e-4);
    assert_eq!(truth["stderr_bits"], 0.0);
    assert_eq!(truth["seed"], 3);
    assert_eq!(truth["n"], 500);
    assert_eq!(truth["params"]["rho"], 0.75);
    assert!(truth["formula"].as_str().unwrap().contains("ln det"));
    assert!(truth["version"].is_string());
}

#[test]
fn quiet_gen_prints_nothing() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("g");
    infocap()
        .args(["-q", "gen", "gaussian", "--n", "20", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert_eq!(entries(&out), vec!["data.parquet", "truth.json"]);
}

#[test]
fn every_recipe_generates_and_reads_back() {
    let root = tempfile::tempdir().unwrap();
    let recipes = recipes();
    assert!(recipes.len() >= 8, "{recipes:?}");
    let mut families = std::collections::BTreeSet::new();
    for recipe in recipes {
        let stem = recipe.file_stem().unwrap().to_string_lossy().into_owned();
        let out = root.path().join(&stem);
        infocap()
            .args(["gen", "--recipe"])
            .arg(&recipe)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        let truth = read_truth(&out);
        assert_eq!(truth["recipe"], recipe.display().to_string());
        families.insert(truth["family"].as_str().unwrap().to_string());
        infocap()
            .arg("inspect")
            .arg(&out)
            .assert()
            .success()
            .stdout(predicate::str::contains(format!(
                "truth: family {}",
                truth["family"].as_str().unwrap()
            )));
    }
    assert_eq!(families.len(), 8, "{families:?}");
}

#[test]
fn every_family_generates_from_flags_in_every_format() {
    let root = tempfile::tempdir().unwrap();
    let output = infocap()
        .args(["gen", "--list", "--json"])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|family| family["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names.len(), 8);
    for (i, name) in names.iter().enumerate() {
        let format = ["parquet", "npy", "csv"][i % 3];
        let out = root.path().join(name);
        infocap()
            .args(["gen", name, "--n", "64", "--format", format])
            .arg("--out")
            .arg(&out)
            .assert()
            .success()
            .stdout(predicate::str::contains(format!("as {format}")));
        assert_eq!(read_truth(&out)["n"], 64);
        infocap()
            .arg("inspect")
            .arg(&out)
            .assert()
            .success()
            .stdout(predicate::str::contains("64 rows"));
    }
}

#[test]
fn flags_override_recipe() {
    let root = tempfile::tempdir().unwrap();
    let recipe = Path::new(env!("CARGO_MANIFEST_DIR")).join("data-gen/gaussian.toml");
    let out = root.path().join("g");
    infocap()
        .args(["gen", "--recipe"])
        .arg(&recipe)
        .args([
            "--seed", "9", "--n", "50", "--set", "rho=0.5", "--format", "csv",
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let truth = read_truth(&out);
    assert_eq!(truth["seed"], 9);
    assert_eq!(truth["n"], 50);
    assert_eq!(truth["params"]["rho"], 0.5);
    assert!((truth["nats"].as_f64().unwrap() - 0.1438).abs() < 1e-4);
    assert!(out.join("data.csv").is_file());
}

#[test]
fn recipe_parameter_error_names_file_and_line() {
    let root = tempfile::tempdir().unwrap();
    let recipe = root.path().join("r.toml");
    fs::write(&recipe, "n = 10\n\n[params]\nrho = 0.5\ndimx = 2\n").unwrap();
    infocap()
        .args(["gen", "gaussian", "--recipe"])
        .arg(&recipe)
        .arg("--out")
        .arg(root.path().join("g"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "r.toml: line 5, in [params]: unknown parameter `dimx`",
        ));
    assert_eq!(entries(root.path()), vec!["r.toml"]);
}

#[test]
fn same_bytes_at_one_and_two_threads() {
    let root = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 3] = [
        &["hidden-bits", "--set", "k=10", "--set", "noise=0.6"],
        &[
            "gaussian", "--set", "dim_x=3", "--set", "dim_y=2", "--set", "rho=0.3",
        ],
        &["teacher", "--set", "flip=0.2"],
    ];
    for (case, args) in cases.iter().enumerate() {
        let mut outputs = Vec::new();
        for threads in ["1", "2"] {
            let out = root.path().join(format!("{case}-{threads}"));
            infocap()
                .args(["--threads", threads, "gen"])
                .args(*args)
                .args(["--n", "9000", "--seed", "5"])
                .arg("--out")
                .arg(&out)
                .assert()
                .success();
            outputs.push(out);
        }
        for file in ["data.parquet", "truth.json"] {
            let one = fs::read(outputs[0].join(file)).unwrap();
            let two = fs::read(outputs[1].join(file)).unwrap();
            assert!(one == two, "{} differs for {args:?}", file);
        }
    }
}

#[test]
fn list_shows_families_and_defaults() {
    infocap()
        .args(["gen", "--list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("hidden-bits"))
        .stdout(predicate::str::contains("--set rho"))
        .stdout(predicate::str::contains("default 0.75"))
        .stdout(predicate::str::contains("multimodal"));
}

/// Runs `gen` with `args` into a fresh folder and checks exit code 2, a one-line error
/// containing `expected`, and an empty folder afterwards.
fn assert_rejected(args: &[&str], expected: &str) {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let output = infocap()
        .arg("gen")
        .args(args)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{args:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        entries(root.path()).is_empty(),
        "{args:?} left files behind"
    );
}

#[test]
fn bad_values_exit_2_without_files() {
    assert_rejected(
        &["hidden-bits", "--set", "k=0"],
        "invalid value 0 for `k`: expected an integer from 1 to 65536",
    );
    assert_rejected(
        &["gaussian", "--set", "rho=1.5"],
        "invalid value 1.5 for `rho`: expected a number in (-1, 1)",
    );
    assert_rejected(
        &[
            "gaussian",
            "--set",
            "structure=custom",
            "--set",
            "cov=[[1, 2], [2, 1]]",
        ],
        "not positive definite",
    );
    assert_rejected(&["gaussian", "--n", "0"], "use n >= 1");
    assert_rejected(
        &["hidden-bits", "--set", "noise=-0.5"],
        "invalid value -0.5 for `noise`",
    );
    assert_rejected(
        &["additive-uniform", "--set", "e=-1"],
        "invalid value -1 for `e`",
    );
}

#[test]
fn unknown_names_suggest_the_nearest() {
    assert_rejected(
        &["gausian"],
        "unknown family `gausian`; did you mean `gaussian`?",
    );
    assert_rejected(
        &["gaussian", "--set", "roh=0.5"],
        "unknown parameter `roh`; did you mean `rho`?",
    );
    assert_rejected(
        &["gaussian", "--format", "parket"],
        "did you mean `parquet`?",
    );
    assert_rejected(
        &["hidden-bits", "--set", "label=parrity"],
        "did you mean `parity`?",
    );
}

#[test]
fn existing_output_needs_force() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("g");
    let generate = |force: bool| {
        let mut command = infocap();
        command
            .args(["gen", "gaussian", "--n", "10", "--out"])
            .arg(&out);
        if force {
            command.arg("--force");
        }
        command.assert()
    };
    generate(false).success();
    assert!(out.join(infocap_data::atomic::MARKER).is_file());
    generate(false)
        .code(2)
        .stderr(predicate::str::contains("already exists"))
        .stderr(predicate::str::contains("--force"));
    generate(true).success();
    assert_eq!(entries(&out), vec!["data.parquet", "truth.json"]);
    assert_eq!(entries(root.path()), vec!["g"]);
}

#[test]
fn force_keeps_folders_infocap_did_not_write() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("g");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.txt"), "old").unwrap();
    infocap()
        .args(["gen", "gaussian", "--n", "10", "--force", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "not an output folder written by infocap",
        ));
    assert_eq!(entries(&out), vec!["keep.txt"]);
    assert_eq!(entries(root.path()), vec!["g"]);
}

#[test]
fn unwritable_output_is_an_error() {
    let root = tempfile::tempdir().unwrap();
    let blocker = root.path().join("file");
    fs::write(&blocker, "not a folder").unwrap();
    infocap()
        .args(["gen", "gaussian", "--n", "10"])
        .arg("--out")
        .arg(blocker.join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot create"));
    assert_eq!(entries(root.path()), vec!["file"]);
}

#[test]
fn missing_family_and_output_are_explained() {
    infocap()
        .args(["gen"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing family"));
    infocap()
        .args(["gen", "gaussian"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing output folder"));
}

#[test]
fn absurd_thread_count_is_an_input_error() {
    infocap()
        .args(["--threads", "100000", "gen", "--list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 100000 for --threads",
        ))
        .stderr(predicate::str::contains("at most 256"));
}
