//! Real data sets: the UCI optical digits (built in) and MNIST in IDX format, and the parser of
//! data-source names used on the command line (`digits`, `mnist:DIR`, or a path).
//!
//! Pixels are scaled to [0, 1]: digits by 1/16 (values 0..=16), MNIST by 1/255.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use ndarray::Array2;

use crate::dataset::Dataset;
use crate::error::{DataError, Result};
use crate::table::{Column, Table};

/// The UCI "Optical Recognition of Handwritten Digits" set (Alpaydin, Kaynak 1998; CC BY 4.0):
/// 1,797 rows of 64 pixel values in 0..=16 followed by the label, gzip-compressed CSV.
const DIGITS_CSV_GZ: &[u8] = include_bytes!("../assets/digits.csv.gz");

/// Number of rows in the built-in digits set.
pub const DIGITS_ROWS: usize = 1797;

/// Returns the built-in digits set: 1,797 images of 8×8 pixels scaled to [0, 1], 10 classes.
pub fn digits() -> Dataset {
    read_digits_bytes(Path::new("<built-in digits>"), DIGITS_CSV_GZ)
        .expect("the embedded digits file is valid")
}

/// Reads the UCI digits CSV (header-less, 64 pixels then the label; `.gz` or plain).
pub fn read_digits_csv(path: &Path) -> Result<Dataset> {
    let bytes = fs::read(path).map_err(|e| DataError::io("cannot read", path, e))?;
    read_digits_bytes(path, &bytes)
}

fn read_digits_bytes(path: &Path, bytes: &[u8]) -> Result<Dataset> {
    let text = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(|e| DataError::format(path, format!("invalid gzip data: {e}")))?;
        text
    } else {
        String::from_utf8(bytes.to_vec())
            .map_err(|_| DataError::format(path, "not UTF-8 text; expected CSV"))?
    };
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for (line_number, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != 65 {
            return Err(DataError::format(
                path,
                format!(
                    "line {}: {} fields, expected 64 pixels and a label",
                    line_number + 1,
                    fields.len()
                ),
            ));
        }
        for field in &fields[..64] {
            let value: u8 = field.parse().ok().filter(|v| *v <= 16).ok_or_else(|| {
                DataError::format(
                    path,
                    format!("line {}: pixel `{field}` is not in 0..=16", line_number + 1),
                )
            })?;
            pixels.push(f64::from(value) / 16.0);
        }
        let label: usize = fields[64].parse().ok().filter(|v| *v < 10).ok_or_else(|| {
            DataError::format(
                path,
                format!(
                    "line {}: label `{}` is not in 0..=9",
                    line_number + 1,
                    fields[64]
                ),
            )
        })?;
        labels.push(label);
    }
    let n = labels.len();
    let x = Array2::from_shape_vec((n, 64), pixels).expect("64 pixels were pushed per row");
    Dataset::new("digits", x).with_labels(labels, Some(10))
}

/// Reads an IDX file (raw or gzip-compressed) and returns its dimensions and unsigned bytes.
///
/// IDX: magic number 0x00 0x00 type ndim, then `ndim` big-endian u32 sizes, then the data.
/// Only unsigned-byte data (type 0x08) is supported, which is what MNIST uses.
pub fn read_idx(path: &Path) -> Result<(Vec<usize>, Vec<u8>)> {
    let raw = fs::read(path).map_err(|e| DataError::io("cannot read", path, e))?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| DataError::format(path, format!("invalid gzip data: {e}")))?;
        out
    } else {
        raw
    };
    if bytes.len() < 4 || bytes[0] != 0 || bytes[1] != 0 {
        return Err(DataError::format(
            path,
            "not an IDX file (bad magic number)",
        ));
    }
    if bytes[2] != 0x08 {
        return Err(DataError::format(
            path,
            format!(
                "IDX data type 0x{:02x} is not supported; expected unsigned bytes (0x08)",
                bytes[2]
            ),
        ));
    }
    let ndim = usize::from(bytes[3]);
    let header = 4 + 4 * ndim;
    if bytes.len() < header {
        return Err(DataError::format(path, "IDX header is truncated"));
    }
    let dims: Vec<usize> = (0..ndim)
        .map(|i| {
            let b = &bytes[4 + 4 * i..8 + 4 * i];
            u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
        })
        .collect();
    let expected: usize = dims.iter().product();
    let data = bytes[header..].to_vec();
    if data.len() != expected {
        return Err(DataError::format(
            path,
            format!(
                "IDX body has {} bytes but the header {dims:?} implies {expected}",
                data.len()
            ),
        ));
    }
    Ok((dims, data))
}

/// File names tried, in order, for MNIST images and labels in a folder.
const MNIST_IMAGES: [&str; 4] = [
    "t10k-images-idx3-ubyte.gz",
    "t10k-images-idx3-ubyte",
    "train-images-idx3-ubyte.gz",
    "train-images-idx3-ubyte",
];
const MNIST_LABELS: [&str; 4] = [
    "t10k-labels-idx1-ubyte.gz",
    "t10k-labels-idx1-ubyte",
    "train-labels-idx1-ubyte.gz",
    "train-labels-idx1-ubyte",
];

/// Reads MNIST from a folder with an images and a labels IDX file (the test split is preferred
/// when both splits are there). Pixels are scaled to [0, 1]; inputs have 784 columns.
pub fn read_mnist(folder: &Path) -> Result<Dataset> {
    let find = |names: &[&str]| -> Result<PathBuf> {
        names
            .iter()
            .map(|name| folder.join(name))
            .find(|p| p.is_file())
            .ok_or_else(|| {
                DataError::io(
                    "cannot find MNIST files in",
                    folder,
                    std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        format!("expected one of {}", names.join(", ")),
                    ),
                )
            })
    };
    let images_path = find(&MNIST_IMAGES)?;
    let labels_path = find(&MNIST_LABELS)?;
    let (image_dims, pixels) = read_idx(&images_path)?;
    let (label_dims, labels) = read_idx(&labels_path)?;
    if image_dims.len() != 3 || label_dims.len() != 1 || image_dims[0] != label_dims[0] {
        return Err(DataError::format(
            &images_path,
            format!("shapes {image_dims:?} (images) and {label_dims:?} (labels) do not match"),
        ));
    }
    let n = image_dims[0];
    let d = image_dims[1] * image_dims[2];
    let x = Array2::from_shape_vec(
        (n, d),
        pixels.iter().map(|&p| f64::from(p) / 255.0).collect(),
    )
    .expect("IDX size was checked");
    let labels: Vec<usize> = labels.iter().map(|&l| usize::from(l)).collect();
    if let Some(bad) = labels.iter().find(|&&l| l > 9) {
        return Err(DataError::format(
            &labels_path,
            format!("label {bad} is not a digit 0..=9"),
        ));
    }
    Dataset::new("mnist", x).with_labels(labels, Some(10))
}

/// Converts a table with columns `x0..`, optional `y0..`, `label` and `symbol` to a data set.
pub fn dataset_from_table(name: &str, table: &Table) -> Result<Dataset> {
    let x_names = table.numbered("x");
    if x_names.is_empty() {
        return Err(DataError::InvalidData(format!(
            "{name} has no input columns x0, x1, ...; columns are: {}",
            crate::table::summarize_names(table.names())
        )));
    }
    let mut data = Dataset::new(name, table.matrix(&x_names)?);
    let y_names = table.numbered("y");
    if !y_names.is_empty() {
        data.y = Some(table.matrix(&y_names)?);
    }
    if table.get("label").is_some() {
        let values = table.f64_column("label")?;
        let labels = values
            .iter()
            .map(|&v| {
                (v >= 0.0 && v.fract() == 0.0)
                    .then_some(v as usize)
                    .ok_or_else(|| {
                        DataError::InvalidData(format!(
                            "{name}: label {v} is not a class index 0, 1, ..."
                        ))
                    })
            })
            .collect::<Result<Vec<usize>>>()?;
        data = data.with_labels(labels, None)?;
    }
    if let Some(column) = table.get("symbol") {
        // Symbols of up to 63 bits do not fit in f64 exactly, so integers are read as they are.
        data.symbols = Some(match column {
            Column::I64(values) => values.iter().map(|&v| v as u64).collect(),
            _ => table
                .f64_column("symbol")?
                .iter()
                .map(|&v| v as u64)
                .collect(),
        });
    }
    Ok(data)
}

/// Loads a data source named on the command line.
///
/// - `digits`: the built-in UCI digits;
/// - `mnist:DIR`: MNIST IDX files in `DIR`;
/// - a `.parquet`, `.csv` or `.npy` file with `x0..` columns, or a folder written by
///   `infocap gen` (Parquet, CSV or NPY), with its truth attached.
pub fn load_source(spec: &str) -> Result<Dataset> {
    if spec == "digits" {
        return Ok(digits());
    }
    if let Some(folder) = spec.strip_prefix("mnist:") {
        return read_mnist(Path::new(folder));
    }
    let path = Path::new(spec);
    if path.exists() {
        return crate::files::read_dataset(path);
    }
    Err(DataError::unknown(
        "data source",
        spec,
        ["digits", "mnist:DIR", "PATH"],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_has_expected_shape_and_balance() {
        let data = digits();
        assert_eq!(data.x.dim(), (DIGITS_ROWS, 64));
        assert_eq!(data.n_classes, Some(10));
        let labels = data.labels.unwrap();
        for class in 0..10 {
            let count = labels.iter().filter(|&&l| l == class).count();
            assert!(
                (174..=183).contains(&count),
                "class {class} has {count} rows"
            );
        }
        assert!(data.x.iter().all(|&v| (0.0..=1.0).contains(&v)));
        // First row of the UCI file: 0,0,5,13,9,1,0,0,... label 0.
        assert_eq!(data.x[(0, 2)], 5.0 / 16.0);
        assert_eq!(labels[0], 0);
    }

    #[test]
    fn idx_round_trip_of_small_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tiny-idx3-ubyte");
        let mut bytes = vec![0, 0, 8, 3];
        for d in [2u32, 2, 3] {
            bytes.extend(d.to_be_bytes());
        }
        bytes.extend(0u8..12);
        fs::write(&path, &bytes).unwrap();
        let (dims, data) = read_idx(&path).unwrap();
        assert_eq!(dims, vec![2, 2, 3]);
        assert_eq!(data, (0u8..12).collect::<Vec<_>>());
    }

    #[test]
    fn truncated_idx_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad");
        fs::write(&path, [0u8, 0, 8, 1, 0, 0, 0, 9, 1, 2]).unwrap();
        let error = read_idx(&path).unwrap_err().to_string();
        assert!(error.contains("IDX body has 2 bytes"), "{error}");
    }

    #[test]
    fn mnist_from_shared_folder() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/mnist");
        if !folder.is_dir() {
            eprintln!("skipped: MNIST not found at {}", folder.display());
            return;
        }
        let data = read_mnist(&folder).unwrap();
        assert_eq!(data.x.dim(), (10_000, 784));
        // The first test labels of MNIST are 7, 2, 1, 0, 4.
        assert_eq!(&data.labels.unwrap()[..5], &[7, 2, 1, 0, 4]);
    }

    #[test]
    fn generated_npy_folder_loads_with_truth() {
        let data =
            crate::generate("hidden-bits", &crate::Params::new().with("k", 3), 40, 2).unwrap();
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("bits");
        crate::write_dataset(&data, &folder, crate::Format::Npy, false).unwrap();
        let loaded = load_source(folder.to_str().unwrap()).unwrap();
        assert_eq!(loaded, data);
    }

    #[test]
    fn unknown_source_lists_choices() {
        let error = load_source("digitz").unwrap_err().to_string();
        assert!(error.contains("did you mean `digits`"), "{error}");
    }
}
