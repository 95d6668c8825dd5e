//! End-to-end tests of `infocap run --quick`: the run folder, findings checked against the
//! tables, determinism across thread counts, and bad configurations.

use std::path::Path;

use assert_cmd::Command;
use infocap_data::Table;
use predicates::prelude::*;

fn infocap() -> Command {
    Command::cargo_bin("infocap").unwrap()
}

fn quick_run(out: &Path, threads: &str) {
    infocap()
        .args(["-q", "--threads", threads, "run", "--quick", "--out"])
        .arg(out)
        .assert()
        .success();
}

/// Returns the value of `key` in the finding `id` of findings.json.
fn finding_value(findings: &serde_json::Value, id: &str, key: &str) -> f64 {
    let finding = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("finding {id} missing"));
    finding["values"][key]
        .as_f64()
        .unwrap_or_else(|| panic!("{id} has no {key}"))
}

/// Returns the rows of `table` whose string column `name` equals `value`.
fn rows_where(table: &Table, name: &str, value: &str) -> Vec<usize> {
    let column = table.str_column(name).unwrap();
    (0..table.n_rows())
        .filter(|&r| column[r] == value)
        .collect()
}

#[test]
fn quick_run_writes_a_consistent_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    quick_run(&out, "2");

    for name in [
        "report.md",
        "findings.json",
        "config.toml",
        "run.json",
        "notebook.ipynb",
        "regimes.parquet",
        "layers.parquet",
        "gradients.parquet",
        "units.parquet",
        "multimodal.parquet",
        "estimator_checks.parquet",
        "info-plane-patterns.png",
        "info-plane-patterns.svg",
        "capacity-vs-overfitting.png",
        "memorization.png",
        "estimate-vs-truth.svg",
    ] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    let findings: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap();
    for finding in findings.as_array().unwrap() {
        let text = finding["text"].as_str().unwrap();
        assert!(report.contains(text), "report lacks finding: {text}");
    }

    // The gap finding restates the no-noise row of regimes.parquet.
    let regimes = Table::read(&out.join("regimes.parquet")).unwrap();
    let baseline = rows_where(&regimes, "regime", "no noise")[0];
    let train = regimes.f64_column("train_accuracy").unwrap()[baseline];
    let test = regimes.f64_column("test_accuracy").unwrap()[baseline];
    let gap = finding_value(&findings, "gap-by-regime", "baseline_gap");
    assert!((gap - (train - test)).abs() < 1e-12);
    assert!(report.contains(&format!("{:.1}% without noise", 100.0 * (train - test))));

    // The memorization finding is the largest bits per parameter on random labels.
    let memorization = rows_where(&regimes, "task", "memorization");
    let per_parameter = regimes.f64_column("bits_per_parameter").unwrap();
    let best = memorization
        .iter()
        .map(|&r| per_parameter[r])
        .fold(f64::NAN, f64::max);
    assert_eq!(
        finding_value(&findings, "memorization", "best_bits_per_parameter"),
        best
    );

    // The noise finding reads the last epoch of the last hidden layer of the noisy network.
    let layers = Table::read(&out.join("layers.parquet")).unwrap();
    let regime = layers.str_column("regime").unwrap();
    let epochs = layers.f64_column("epoch").unwrap();
    let layer = layers.f64_column("layer").unwrap();
    let bits = layers.f64_column("i_xt_bits").unwrap();
    let is_output = layers.str_column("is_output").unwrap();
    let noisy: Vec<usize> = (0..layers.n_rows())
        .filter(|&r| regime[r] == "gauss 0.5" && is_output[r] == "false")
        .collect();
    let last_epoch = noisy.iter().map(|&r| epochs[r]).fold(f64::NAN, f64::max);
    let last_layer = noisy.iter().map(|&r| layer[r]).fold(f64::NAN, f64::max);
    let row = noisy
        .iter()
        .find(|&&r| epochs[r] == last_epoch && layer[r] == last_layer)
        .unwrap();
    assert_eq!(
        finding_value(&findings, "noise-caps-bits", "noisy_i_xt_bits"),
        bits[*row]
    );
    // The bound sits below the log2 N ceiling of the probe inputs.
    let log2_n = layers.f64_column("log2_n_bits").unwrap()[*row];
    assert!(bits[*row] <= log2_n + 1e-9);

    // The estimator checks finding counts the statuses in its table.
    let checks = Table::read(&out.join("estimator_checks.parquet")).unwrap();
    let passed = rows_where(&checks, "status", "pass").len() as f64;
    assert_eq!(finding_value(&findings, "estimator-checks", "pass"), passed);
    assert_eq!(finding_value(&findings, "estimator-checks", "fail"), 0.0);

    // Symmetry: a constant initialization without noise keeps one distinct hidden unit (the
    // output units differ, since each class pulls its own unit).
    let units = Table::read(&out.join("units.parquet")).unwrap();
    let unit_regimes = units.str_column("regime").unwrap();
    let unit_layers = units.f64_column("layer").unwrap();
    let distinct = units.f64_column("distinct_units").unwrap();
    let constant: Vec<f64> = (0..units.n_rows())
        .filter(|&r| unit_regimes[r] == "constant init" && unit_layers[r] == 1.0)
        .map(|r| distinct[r])
        .collect();
    assert!(!constant.is_empty());
    assert!(constant.iter().all(|&d| d == 1.0), "{constant:?}");

    // The saved configuration reruns the same experiment, here on one thread: same bytes.
    let again = dir.path().join("again");
    infocap()
        .args(["-q", "--threads", "1", "run", "--config"])
        .arg(out.join("config.toml"))
        .arg("--out")
        .arg(&again)
        .assert()
        .success();
    for name in [
        "regimes.parquet",
        "layers.parquet",
        "report.md",
        "findings.json",
    ] {
        let first = std::fs::read(out.join(name)).unwrap();
        let second = std::fs::read(again.join(name)).unwrap();
        assert!(
            first == second,
            "{name} differs between 2 threads and 1 thread"
        );
    }
}

#[test]
fn unknown_config_key_names_line_and_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("experiment.toml");
    std::fs::write(&config, "seed = 3\n\n[network]\nepoch = 5\n").unwrap();
    infocap()
        .args(["run", "--quick", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.path().join("run"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("experiment.toml"))
        .stderr(predicate::str::contains("line 4, in [network]"))
        .stderr(predicate::str::contains("did you mean `epochs`?"));
    assert!(!dir.path().join("run").exists());
}

#[test]
fn invalid_regime_value_fails_before_training() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("experiment.toml");
    std::fs::write(&config, "[regimes]\ndropout = [1.5]\n").unwrap();
    infocap()
        .args(["-q", "run", "--quick", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.path().join("run"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("regime `dropout 1.5`"))
        .stderr(predicate::str::contains("[regimes]"))
        .stderr(predicate::str::contains("invalid value 1.5"));
    assert!(!dir.path().join("run").exists());
}

#[test]
fn existing_run_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    infocap()
        .args(["run", "--quick", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
}

#[test]
fn unknown_data_source_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    infocap()
        .args(["run", "--quick", "--data", "digitz", "--out"])
        .arg(dir.path().join("run"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `digits`"));
    assert!(!dir.path().join("run").exists());
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 0, "a staging folder was left behind");
}

#[cfg(unix)]
/// Starts a quick run, sends `signal` once it has begun writing, and checks that it stops
/// with code 130 and leaves no output.
fn stops_cleanly_on(signal: &str) {
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("infocap"))
        .args(["-q", "run", "--quick", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The staging folder appears once the run has started, after the Ctrl-C handler is in place.
    let started = Instant::now();
    let staging_exists = || {
        std::fs::read_dir(dir.path()).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".run.partial")
        })
    };
    while !staging_exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the run never started"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before the interrupt"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{signal}: {output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("interrupted"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "output left behind after {signal}"
    );
}

#[test]
fn ctrl_c_exits_130_without_output() {
    stops_cleanly_on("-INT");
}

#[test]
fn sigterm_exits_130_without_output() {
    stops_cleanly_on("-TERM");
}
