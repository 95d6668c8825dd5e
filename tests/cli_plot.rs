//! End-to-end tests of `infocap plot` on small tables written to a temporary folder.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use infocap_data::{Column, Table};
use predicates::str::contains;

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

fn infocap() -> Command {
    Command::cargo_bin("infocap").unwrap()
}

/// Returns the width and height stored in a PNG header, after checking the signature.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(bytes[..8], PNG_SIGNATURE, "{} is not a PNG", path.display());
    assert_eq!(&bytes[12..16], b"IHDR");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (width, height)
}

fn strings(values: &[&str]) -> Column {
    Column::Str(values.iter().map(|v| v.to_string()).collect())
}

/// Probe records of two regimes, two layers and four epochs, in the columns `plot` expects.
fn probes() -> Table {
    let mut regime = Vec::new();
    let mut epoch = Vec::new();
    let mut layer = Vec::new();
    let mut i_xt = Vec::new();
    let mut i_ty = Vec::new();
    let mut snr = Vec::new();
    for name in ["tanh", "relu"] {
        for e in [0i64, 10, 100, 1000] {
            for l in 1i64..=2 {
                regime.push(name);
                epoch.push(e);
                layer.push(l);
                let t = (e as f64 + 1.0).log10();
                i_xt.push(10.0 - 2.0 * l as f64 + 0.5 * t);
                i_ty.push(0.2 + 0.2 * t);
                snr.push(10.0 / (1.0 + e as f64 / 100.0));
            }
        }
    }
    let n = epoch.len();
    Table::new()
        .with("regime", strings(&regime))
        .unwrap()
        .with("epoch", Column::I64(epoch))
        .unwrap()
        .with("layer", Column::I64(layer))
        .unwrap()
        .with("i_xt_bits", Column::F64(i_xt.clone()))
        .unwrap()
        .with("i_ty_bits", Column::F64(i_ty))
        .unwrap()
        .with(
            "ci_low_bits",
            Column::F64(i_xt.iter().map(|b| b - 0.2).collect()),
        )
        .unwrap()
        .with(
            "ci_high_bits",
            Column::F64(i_xt.iter().map(|b| b + 0.2).collect()),
        )
        .unwrap()
        .with("grad_snr", Column::F64(snr))
        .unwrap()
        .with("log2_n_bits", Column::F64(vec![12.0; n]))
        .unwrap()
}

fn capacity() -> Table {
    Table::new()
        .with(
            "capacity_bits_per_unit",
            Column::F64(vec![0.5, 1.0, 2.0, 4.0]),
        )
        .unwrap()
        .with("gap", Column::F64(vec![0.05, 0.1, 0.2, 0.35]))
        .unwrap()
        .with("bits_per_parameter", Column::F64(vec![0.4, 0.9, 1.6, 2.0]))
        .unwrap()
}

fn validation() -> Table {
    Table::new()
        .with(
            "estimator",
            strings(&["ksg1", "ksg1", "gaussian", "gaussian"]),
        )
        .unwrap()
        .with("truth_bits", Column::F64(vec![0.6, 2.0, 0.6, 2.0]))
        .unwrap()
        .with("bits", Column::F64(vec![0.55, 1.8, 0.6, 2.1]))
        .unwrap()
}

/// Writes `table` as `name` in a new temporary folder.
fn write(table: &Table, name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    table.write(&path).unwrap();
    (dir, path)
}

#[test]
fn every_kind_writes_png_beside_table() {
    let cases = [
        (probes(), "probes.csv", "info-plane", (1240, 640)),
        (probes(), "probes.csv", "bits-per-layer", (960, 640)),
        (probes(), "probes.csv", "grad-snr", (960, 640)),
        (capacity(), "sweep.csv", "capacity", (960, 760)),
        (
            validation(),
            "validation.csv",
            "estimate-vs-truth",
            (960, 640),
        ),
    ];
    for (table, name, kind, size) in cases {
        let (dir, path) = write(&table, name);
        let stem = name.trim_end_matches(".csv");
        let expected = dir.path().join(format!("{stem}-{kind}.png"));
        infocap()
            .args(["plot", path.to_str().unwrap(), "--kind", kind])
            .assert()
            .success()
            .stdout(format!("{}\n", expected.display()));
        assert_eq!(png_size(&expected), size, "{kind}");
    }
}

#[test]
fn svg_contains_title_and_axis_labels() {
    let (dir, path) = write(&probes(), "probes.parquet");
    let out = dir.path().join("plane.svg");
    infocap()
        .args(["plot", path.to_str().unwrap(), "--kind", "info-plane"])
        .args(["--title", "Tanh & ReLU", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.starts_with("<svg"));
    for text in [
        "Tanh &amp; ReLU",
        "I(X;T) (bits)",
        "I(T;Y) (bits)",
        "epoch",
        "tanh",
        "relu",
    ] {
        assert!(svg.contains(text), "the SVG lacks {text:?}");
    }
}

#[test]
fn grad_snr_labels_layer_0_as_all_parameters() {
    let table = Table::new()
        .with("epoch", Column::I64(vec![1, 2, 1, 2]))
        .unwrap()
        .with("layer", Column::I64(vec![0, 0, 1, 1]))
        .unwrap()
        .with("grad_snr", Column::F64(vec![2.0, 1.0, 3.0, 1.5]))
        .unwrap();
    let (dir, path) = write(&table, "gradients.csv");
    let out = dir.path().join("snr.svg");
    infocap()
        .args([
            "plot",
            path.to_str().unwrap(),
            "--kind",
            "grad-snr",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(
        svg.contains("all parameters"),
        "the legend lacks layer 0's label"
    );
    assert!(svg.contains("layer 1"), "the legend lacks layer 1");
    assert!(
        !svg.contains("layer 0"),
        "layer 0 is still labeled by number"
    );
}

#[test]
fn overridden_columns_name_the_axes() {
    let (dir, path) = write(&probes(), "probes.csv");
    let out = dir.path().join("i_ty.svg");
    infocap()
        .args(["plot", path.to_str().unwrap(), "--kind", "bits-per-layer"])
        .args(["--y", "i_ty_bits", "--x", "epoch", "--log-x", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(contains("2 points not drawn"))
        .stderr(contains("average several rows"));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains("I(T;Y) (bits)"));
    assert!(svg.contains("log₂ N = 12 bits"));
}

#[test]
fn missing_column_lists_columns_and_suggests() {
    let table = Table::new()
        .with("epoch", Column::I64(vec![1, 2]))
        .unwrap()
        .with("grad_snrs", Column::F64(vec![1.0, 2.0]))
        .unwrap();
    let (_dir, path) = write(&table, "t.csv");
    infocap()
        .args(["plot", path.to_str().unwrap(), "--kind", "grad-snr"])
        .assert()
        .code(2)
        .stderr(contains("column `grad_snr` not found"))
        .stderr(contains("did you mean `grad_snrs`"))
        .stderr(contains("epoch, grad_snrs"))
        .stderr(contains("--y"));
}

#[test]
fn existing_output_needs_force() {
    let (dir, path) = write(&validation(), "v.csv");
    let out = dir.path().join("chart.png");
    std::fs::write(&out, "old").unwrap();
    let command = || {
        let mut command = infocap();
        command.args([
            "plot",
            path.to_str().unwrap(),
            "--kind",
            "estimate-vs-truth",
            "--out",
        ]);
        command.arg(&out);
        command
    };
    command()
        .assert()
        .code(2)
        .stderr(contains("already exists"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
    command().arg("--force").assert().success();
    assert_eq!(png_size(&out), (960, 640));
}

#[test]
fn where_filters_rows() {
    let (dir, path) = write(&probes(), "probes.csv");
    let out = dir.path().join("tanh.svg");
    infocap()
        .args(["plot", path.to_str().unwrap(), "--kind", "info-plane"])
        .args(["--where", "regime=tanh", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains("tanh"));
    assert!(!svg.contains("relu"));

    infocap()
        .args(["plot", path.to_str().unwrap(), "--kind", "info-plane"])
        .args(["--where", "regime=sigmoid", "--force"])
        .assert()
        .code(2)
        .stderr(contains("no rows where regime = sigmoid"))
        .stderr(contains("tanh, relu"));
}

#[test]
fn bad_output_extension_is_rejected() {
    let (dir, path) = write(&validation(), "v.csv");
    let out = dir.path().join("chart.jpg");
    infocap()
        .args([
            "plot",
            path.to_str().unwrap(),
            "--kind",
            "estimate-vs-truth",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains(".png or .svg"));
    assert!(!out.exists());
}

#[test]
fn flag_of_another_kind_is_rejected() {
    let (_dir, path) = write(&validation(), "v.csv");
    infocap()
        .args([
            "plot",
            path.to_str().unwrap(),
            "--kind",
            "estimate-vs-truth",
        ])
        .args(["--color", "epoch"])
        .assert()
        .code(2)
        .stderr(contains("--color applies only to --kind info-plane"));
}

#[test]
fn empty_table_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.csv");
    std::fs::write(&path, "truth_bits,bits,estimator\n").unwrap();
    infocap()
        .args([
            "plot",
            path.to_str().unwrap(),
            "--kind",
            "estimate-vs-truth",
        ])
        .assert()
        .code(2)
        .stderr(contains("has no rows"));
}

#[test]
fn all_nan_values_are_rejected() {
    let table = Table::new()
        .with("epoch", Column::I64(vec![1, 2]))
        .unwrap()
        .with("grad_snr", Column::F64(vec![f64::NAN, f64::NAN]))
        .unwrap();
    let (dir, path) = write(&table, "t.csv");
    infocap()
        .args(["plot", path.to_str().unwrap(), "--kind", "grad-snr"])
        .assert()
        .code(2)
        .stderr(contains("nothing to plot"))
        .stderr(contains("2 skipped as NaN"));
    assert!(!dir.path().join("t-grad-snr.png").exists());
}

#[test]
fn unknown_kind_suggests_valid_one() {
    infocap()
        .args(["plot", "t.csv", "--kind", "info-plain"])
        .assert()
        .code(2)
        .stderr(contains("info-plane"));
}
