//! Data-set folders: the data file(s) and `truth.json`, written atomically and read back.
//!
//! A folder contains `data.parquet` or `data.csv` with columns `x0..`, `y0..`, `label` and
//! `symbol` as the data set has them, or, in NPY format, `x.npy`, `y.npy`, `label.npy` and
//! `symbol.npy` (f64 matrices in C order, i64 and u64 vectors). `truth.json` holds the ground
//! truth of generated data; Parquet files also carry it in their footer under
//! `infocap_truth`, so a copied file keeps it.

use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2};
use ndarray_npy::{ReadNpyExt, WriteNpyExt};

use crate::atomic::{StagingDir, write_bytes_atomic};
use crate::dataset::Dataset;
use crate::error::{DataError, Result};
use crate::real::dataset_from_table;
use crate::table::{Column, Table};
use crate::truth::Truth;

/// File name of the ground-truth sidecar.
pub const TRUTH_FILE: &str = "truth.json";

/// Parquet footer key of the truth, stored as JSON.
pub const TRUTH_METADATA_KEY: &str = "infocap_truth";

/// Format names as written on the command line.
pub const FORMAT_NAMES: &[&str] = &["parquet", "npy", "csv"];

/// The file format of a data-set folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Parquet,
    Npy,
    Csv,
}

impl Format {
    /// Parses `parquet`, `npy` or `csv`.
    pub fn from_name(name: &str) -> Result<Format> {
        match name {
            "parquet" => Ok(Format::Parquet),
            "npy" => Ok(Format::Npy),
            "csv" => Ok(Format::Csv),
            other => Err(DataError::unknown(
                "format",
                other,
                FORMAT_NAMES.iter().copied(),
            )),
        }
    }

    /// Returns the name used on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Npy => "npy",
            Format::Csv => "csv",
        }
    }
}

/// Returns the columns of `matrix`, copied in row blocks so that both sides stay in cache.
fn matrix_columns(matrix: &Array2<f64>) -> Vec<Vec<f64>> {
    const BLOCK_ROWS: usize = 1024;
    let (rows, cols) = matrix.dim();
    let mut columns: Vec<Vec<f64>> = (0..cols).map(|_| Vec::with_capacity(rows)).collect();
    for start in (0..rows).step_by(BLOCK_ROWS) {
        let block = matrix.slice(ndarray::s![start..(start + BLOCK_ROWS).min(rows), ..]);
        for (column, values) in columns.iter_mut().enumerate() {
            values.extend(block.column(column).iter().copied());
        }
    }
    columns
}

/// Converts a data set to a table with columns `x0..`, `y0..`, `label`, `symbol`, and the
/// truth in the metadata.
pub fn dataset_table(data: &Dataset) -> Result<Table> {
    let mut table = Table::new();
    for (j, column) in matrix_columns(&data.x).into_iter().enumerate() {
        table.push(format!("x{j}"), Column::F64(column))?;
    }
    if let Some(y) = &data.y {
        for (j, column) in matrix_columns(y).into_iter().enumerate() {
            table.push(format!("y{j}"), Column::F64(column))?;
        }
    }
    if let Some(labels) = &data.labels {
        table.push(
            "label",
            Column::I64(labels.iter().map(|&l| l as i64).collect()),
        )?;
    }
    if let Some(symbols) = &data.symbols {
        table.push(
            "symbol",
            Column::I64(symbols.iter().map(|&s| s as i64).collect()),
        )?;
    }
    if let Some(truth) = &data.truth {
        table
            .metadata
            .insert(TRUTH_METADATA_KEY.to_string(), truth_json(truth)?);
    }
    Ok(table)
}

fn truth_json(truth: &Truth) -> Result<String> {
    serde_json::to_string_pretty(truth)
        .map_err(|e| DataError::InvalidData(format!("cannot serialize the truth: {e}")))
}

/// Returns the data file names a folder of `format` contains for `data`.
pub fn data_files(data: &Dataset, format: Format) -> Vec<&'static str> {
    match format {
        Format::Parquet => vec!["data.parquet"],
        Format::Csv => vec!["data.csv"],
        Format::Npy => {
            let mut files = vec!["x.npy"];
            if data.y.is_some() {
                files.push("y.npy");
            }
            if data.labels.is_some() {
                files.push("label.npy");
            }
            if data.symbols.is_some() {
                files.push("symbol.npy");
            }
            files
        }
    }
}

/// Writes `data` into the folder `folder` (data files and, when the data set has one,
/// `truth.json`). The folder appears only when complete.
///
/// # Errors
/// [`DataError::OutputExists`] when `folder` exists and `force` is false; I/O and format
/// errors. Nothing is left behind on error.
pub fn write_dataset(data: &Dataset, folder: &Path, format: Format, force: bool) -> Result<()> {
    let staging = StagingDir::new(folder, force)?;
    let dir = staging.path();
    match format {
        Format::Parquet => dataset_table(data)?.write_parquet(&dir.join("data.parquet"))?,
        Format::Csv => dataset_table(data)?.write_csv(&dir.join("data.csv"))?,
        Format::Npy => {
            write_npy(&dir.join("x.npy"), &data.x)?;
            if let Some(y) = &data.y {
                write_npy(&dir.join("y.npy"), y)?;
            }
            if let Some(labels) = &data.labels {
                let labels: Array1<i64> = labels.iter().map(|&l| l as i64).collect();
                write_npy(&dir.join("label.npy"), &labels)?;
            }
            if let Some(symbols) = &data.symbols {
                let symbols: Array1<u64> = symbols.iter().copied().collect();
                write_npy(&dir.join("symbol.npy"), &symbols)?;
            }
        }
    }
    if let Some(truth) = &data.truth {
        let mut text = truth_json(truth)?;
        text.push('\n');
        write_bytes_atomic(&dir.join(TRUTH_FILE), text.as_bytes())?;
    }
    staging.commit()?;
    Ok(())
}

fn write_npy<T: WriteNpyExt>(path: &Path, array: &T) -> Result<()> {
    let file = std::fs::File::create(path).map_err(|e| DataError::io("cannot create", path, e))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    array
        .write_npy(&mut writer)
        .map_err(|e| DataError::format(path, format!("NPY write failed: {e}")))?;
    std::io::Write::flush(&mut writer).map_err(|e| DataError::io("cannot write", path, e))
}

fn open_npy(path: &Path) -> Result<std::io::BufReader<std::fs::File>> {
    let file = std::fs::File::open(path).map_err(|e| DataError::io("cannot open", path, e))?;
    Ok(std::io::BufReader::with_capacity(1 << 20, file))
}

/// Reads a 2-D NPY matrix of f64 or f32, or a 1-D vector as one column.
pub fn read_npy_matrix(path: &Path) -> Result<Array2<f64>> {
    let failure = |message: String| DataError::format(path, message);
    if let Ok(matrix) = Array2::<f64>::read_npy(open_npy(path)?) {
        return Ok(matrix);
    }
    if let Ok(matrix) = Array2::<f32>::read_npy(open_npy(path)?) {
        return Ok(matrix.mapv(f64::from));
    }
    match Array1::<f64>::read_npy(open_npy(path)?) {
        Ok(vector) => Ok(vector.insert_axis(ndarray::Axis(1))),
        Err(e) => Err(failure(format!(
            "not a float64 or float32 matrix in NPY format: {e}; save it with \
             numpy.save(path, array.astype('float64'))"
        ))),
    }
}

/// Reads a 1-D NPY vector of integers (i64, i32, u64, u8) as u64.
fn read_npy_integers(path: &Path) -> Result<Vec<u64>> {
    let non_negative = |values: Vec<i64>| -> Result<Vec<u64>> {
        values
            .into_iter()
            .map(|v| {
                u64::try_from(v).map_err(|_| {
                    DataError::format(path, format!("value {v} is negative; expected 0, 1, ..."))
                })
            })
            .collect()
    };
    if let Ok(values) = Array1::<i64>::read_npy(open_npy(path)?) {
        return non_negative(values.to_vec());
    }
    if let Ok(values) = Array1::<u64>::read_npy(open_npy(path)?) {
        return Ok(values.to_vec());
    }
    if let Ok(values) = Array1::<i32>::read_npy(open_npy(path)?) {
        return non_negative(values.iter().map(|&v| i64::from(v)).collect());
    }
    match Array1::<u8>::read_npy(open_npy(path)?) {
        Ok(values) => Ok(values.iter().map(|&v| u64::from(v)).collect()),
        Err(e) => Err(DataError::format(
            path,
            format!("not a vector of integers in NPY format: {e}"),
        )),
    }
}

/// Reads the NPY files of a data-set folder.
fn read_npy_folder(folder: &Path) -> Result<Dataset> {
    let x = read_npy_matrix(&folder.join("x.npy"))?;
    let rows = x.nrows();
    let name = folder_name(folder);
    let mut data = Dataset::new(name, x);
    let check_rows = |path: &Path, count: usize| {
        if count == rows {
            Ok(())
        } else {
            Err(DataError::format(
                path,
                format!("{count} rows, but x.npy has {rows}"),
            ))
        }
    };
    let y_path = folder.join("y.npy");
    if y_path.is_file() {
        let y = read_npy_matrix(&y_path)?;
        check_rows(&y_path, y.nrows())?;
        data.y = Some(y);
    }
    let label_path = folder.join("label.npy");
    if label_path.is_file() {
        let labels = read_npy_integers(&label_path)?;
        check_rows(&label_path, labels.len())?;
        data = data.with_labels(labels.iter().map(|&l| l as usize).collect(), None)?;
    }
    let symbol_path = folder.join("symbol.npy");
    if symbol_path.is_file() {
        let symbols = read_npy_integers(&symbol_path)?;
        check_rows(&symbol_path, symbols.len())?;
        data.symbols = Some(symbols);
    }
    Ok(data)
}

fn folder_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Returns the data file of a folder: `data.parquet`, `data.csv` or `x.npy`, in that order.
pub fn folder_data_file(folder: &Path) -> Result<PathBuf> {
    ["data.parquet", "data.csv", "data.csv.gz", "x.npy"]
        .iter()
        .map(|name| folder.join(name))
        .find(|path| path.is_file())
        .ok_or_else(|| {
            DataError::io(
                "cannot find a data file in",
                folder,
                std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "expected data.parquet, data.csv or x.npy (as written by `infocap gen`)",
                ),
            )
        })
}

/// Reads the truth of a data set at `path` (a folder or a data file): `truth.json` beside the
/// data, else the Parquet footer. Returns `None` when there is none.
pub fn read_truth(path: &Path) -> Result<Option<Truth>> {
    let folder = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let sidecar = folder.join(TRUTH_FILE);
    if sidecar.is_file() {
        let text = std::fs::read_to_string(&sidecar)
            .map_err(|e| DataError::io("cannot read", &sidecar, e))?;
        return parse_truth(&sidecar, &text).map(Some);
    }
    Ok(None)
}

fn parse_truth(path: &Path, text: &str) -> Result<Truth> {
    serde_json::from_str(text)
        .map_err(|e| DataError::format(path, format!("not a valid truth file: {e}")))
}

/// Reads a data set: a folder written by [`write_dataset`], or a single `.parquet`, `.csv` or
/// `.npy` file (the latter as inputs only). The truth is attached when present.
pub fn read_dataset(path: &Path) -> Result<Dataset> {
    if !path.exists() {
        return Err(DataError::io(
            "cannot open",
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
        ));
    }
    let file = if path.is_dir() {
        folder_data_file(path)?
    } else {
        path.to_path_buf()
    };
    let is_npy = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"));
    let (mut data, footer_truth) = if is_npy && path.is_dir() {
        (read_npy_folder(path)?, None)
    } else if is_npy {
        let x = read_npy_matrix(&file)?;
        (Dataset::new(folder_name(&file), x), None)
    } else {
        let table = Table::read(&file)?;
        let footer = table
            .metadata
            .get(TRUTH_METADATA_KEY)
            .map(|text| parse_truth(&file, text))
            .transpose()?;
        let name = if path.is_dir() {
            folder_name(path)
        } else {
            folder_name(&file)
        };
        (dataset_from_table(&name, &table)?, footer)
    };
    let truth = match read_truth(path)? {
        Some(truth) => Some(truth),
        None => footer_truth,
    };
    if let Some(truth) = &truth {
        if let Some(classes) = truth.n_classes
            && let Some(labels) = data.labels.take()
        {
            data = data.with_labels(labels, Some(classes))?;
        }
        data.name = truth.family.clone();
    }
    data.truth = truth;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{Params, generate};

    fn round_trip(family: &str, params: Params, format: Format) {
        let data = generate(family, &params, 300, 4).unwrap();
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("out");
        write_dataset(&data, &folder, format, false).unwrap();
        let back = read_dataset(&folder).unwrap();
        assert_eq!(back, data, "{family} in {format:?}");
    }

    #[test]
    fn every_format_round_trips() {
        for format in [Format::Parquet, Format::Npy, Format::Csv] {
            round_trip("hidden-bits", Params::new().with("k", 5), format);
            round_trip("gaussian", Params::new().with("dim_x", 2), format);
            round_trip("teacher", Params::new(), format);
        }
    }

    #[test]
    fn existing_folder_needs_force() {
        let data = generate("gaussian", &Params::new(), 10, 4).unwrap();
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("out");
        write_dataset(&data, &folder, Format::Csv, false).unwrap();
        let error = write_dataset(&data, &folder, Format::Csv, false).unwrap_err();
        assert!(matches!(error, DataError::OutputExists { .. }), "{error}");
        write_dataset(&data, &folder, Format::Npy, true).unwrap();
        assert!(folder.join("x.npy").is_file());
        assert!(!folder.join("data.csv").exists());
    }

    #[test]
    fn single_parquet_file_keeps_truth_in_footer() {
        let data = generate("student-t", &Params::new(), 50, 4).unwrap();
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("t.parquet");
        dataset_table(&data).unwrap().write(&path).unwrap();
        let back = read_dataset(&path).unwrap();
        assert_eq!(back.truth, data.truth);
        assert_eq!(back.x, data.x);
    }

    #[test]
    fn single_npy_file_reads_as_inputs() {
        let root = tempfile::tempdir().unwrap();
        let path = root.path().join("m.npy");
        let matrix = ndarray::array![[1.0f32, 2.0], [3.0, 4.5]];
        write_npy(&path, &matrix).unwrap();
        let data = read_dataset(&path).unwrap();
        assert_eq!(data.x, ndarray::array![[1.0, 2.0], [3.0, 4.5]]);
    }

    #[test]
    fn missing_path_is_reported() {
        let error = read_dataset(Path::new("/no/such/folder"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("no such file or folder"), "{error}");
    }

    #[test]
    fn unknown_format_suggests_nearest() {
        let error = Format::from_name("parquett").unwrap_err().to_string();
        assert!(error.contains("did you mean `parquet`"), "{error}");
    }
}
