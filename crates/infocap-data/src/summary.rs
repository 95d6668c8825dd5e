//! Summaries of tables and data-set folders for `infocap inspect`: shape, column types, value
//! ranges and the ground truth.
//!
//! Works on any table infocap reads (Parquet, CSV, NPY folders and files), not only on
//! generated data. Text output groups numbered columns (`x0..x63`) of wide tables into one
//! line; the JSON form lists every column.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::error::Result;
use crate::files::{
    TRUTH_METADATA_KEY, dataset_table, folder_data_file, read_dataset, read_npy_matrix, read_truth,
};
use crate::table::{Column, Table};
use crate::truth::{Quantity, Truth};

/// Statistics of one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnSummary {
    pub name: String,
    /// `f64`, `f32`, `i64`, `bool` or `str`.
    pub dtype: &'static str,
    /// Smallest finite value; `None` for text or when no value is finite.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Mean of the finite values.
    pub mean: Option<f64>,
    /// Number of NaN and infinite values.
    pub non_finite: usize,
    /// Number of distinct values, for text, boolean and integer columns.
    pub distinct: Option<usize>,
}

/// Report of `infocap inspect` on a file or folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub path: String,
    /// `parquet`, `csv` or `npy`.
    pub format: String,
    pub rows: usize,
    pub columns: Vec<ColumnSummary>,
    /// Ground truth of generated data.
    pub truth: Option<Truth>,
    /// Table metadata other than the truth (seed, versions of other writers).
    pub metadata: BTreeMap<String, String>,
}

/// Reads the table or data set at `path` and summarizes it.
pub fn summarize_path(path: &Path) -> Result<Summary> {
    let file = if path.is_dir() {
        folder_data_file(path)?
    } else {
        path.to_path_buf()
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let (format, mut table) = if name.ends_with(".npy") {
        let table = if path.is_dir() {
            let mut data = read_dataset(path)?;
            data.truth = None;
            dataset_table(&data)?
        } else {
            let mut data = crate::Dataset::new("npy", read_npy_matrix(&file)?);
            data.truth = None;
            dataset_table(&data)?
        };
        ("npy", table)
    } else {
        let table = Table::read(&file)?;
        let format = if name.ends_with(".csv") || name.ends_with(".csv.gz") {
            "csv"
        } else {
            "parquet"
        };
        (format, table)
    };
    let footer_truth = table
        .metadata
        .remove(TRUTH_METADATA_KEY)
        .and_then(|text| serde_json::from_str::<Truth>(&text).ok());
    let truth = read_truth(path)?.or(footer_truth);
    Ok(Summary {
        path: path.display().to_string(),
        format: format.to_string(),
        rows: table.n_rows(),
        columns: summarize_table(&table),
        truth,
        metadata: table.metadata.clone(),
    })
}

/// Summarizes every column of `table`.
pub fn summarize_table(table: &Table) -> Vec<ColumnSummary> {
    table
        .iter()
        .map(|(name, column)| summarize_column(name, column))
        .collect()
}

fn summarize_column(name: &str, column: &Column) -> ColumnSummary {
    let distinct = match column {
        Column::I64(values) => Some(count_distinct(values.iter().copied())),
        Column::Bool(values) => Some(count_distinct(values.iter().copied())),
        Column::Str(values) => Some(count_distinct(values.iter())),
        Column::F64(_) | Column::F32(_) => None,
    };
    let values = column.to_f64().unwrap_or_default();
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (min, max, mean) = if finite.is_empty() {
        (None, None, None)
    } else {
        let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mean = finite.iter().sum::<f64>() / finite.len() as f64;
        (Some(min), Some(max), Some(mean))
    };
    ColumnSummary {
        name: name.to_string(),
        dtype: column.type_name(),
        min,
        max,
        mean,
        non_finite: values.len() - finite.len(),
        distinct,
    }
}

fn count_distinct<T: Ord>(values: impl Iterator<Item = T>) -> usize {
    values.collect::<std::collections::BTreeSet<T>>().len()
}

/// Formats a number with 4 significant decimals, switching to exponent form for very large or
/// small magnitudes.
fn format_number(value: Option<f64>) -> String {
    match value {
        None => "-".to_string(),
        Some(v) if v != 0.0 && (v.abs() >= 1e6 || v.abs() < 1e-3) => format!("{v:.3e}"),
        Some(v) => format!("{v:.4}"),
    }
}

/// Splits `name` into a prefix and a number, such as `x12` into (`x`, 12).
fn numbered(name: &str) -> Option<(&str, usize)> {
    let split = name.find(|c: char| c.is_ascii_digit())?;
    let (prefix, digits) = name.split_at(split);
    let number: usize = digits.parse().ok()?;
    (!prefix.is_empty() && digits == number.to_string()).then_some((prefix, number))
}

/// One line of the text table: a column, or a run of numbered columns of one type.
struct Line {
    name: String,
    dtype: &'static str,
    min: Option<f64>,
    max: Option<f64>,
    mean: Option<f64>,
    extra: String,
}

/// Groups runs of at least `GROUP_MIN` numbered columns (`x0, x1, ...`) of one type into one
/// line when the table is wide.
fn lines(columns: &[ColumnSummary]) -> Vec<Line> {
    const WIDE: usize = 16;
    const GROUP_MIN: usize = 4;
    let single = |c: &ColumnSummary| {
        let mut extra = Vec::new();
        if let Some(distinct) = c.distinct {
            extra.push(format!("{distinct} distinct"));
        }
        if c.non_finite > 0 {
            extra.push(format!("{} non-finite", c.non_finite));
        }
        Line {
            name: c.name.clone(),
            dtype: c.dtype,
            min: c.min,
            max: c.max,
            mean: c.mean,
            extra: extra.join(", "),
        }
    };
    if columns.len() <= WIDE {
        return columns.iter().map(single).collect();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < columns.len() {
        let mut end = i + 1;
        if let Some((prefix, first)) = numbered(&columns[i].name) {
            while end < columns.len()
                && columns[end].dtype == columns[i].dtype
                && numbered(&columns[end].name) == Some((prefix, first + end - i))
            {
                end += 1;
            }
        }
        if end - i >= GROUP_MIN {
            let run = &columns[i..end];
            let min = run.iter().filter_map(|c| c.min).reduce(f64::min);
            let max = run.iter().filter_map(|c| c.max).reduce(f64::max);
            let means: Vec<f64> = run.iter().filter_map(|c| c.mean).collect();
            let mean = (!means.is_empty()).then(|| means.iter().sum::<f64>() / means.len() as f64);
            let non_finite: usize = run.iter().map(|c| c.non_finite).sum();
            let mut extra = format!("{} columns", run.len());
            if non_finite > 0 {
                extra.push_str(&format!(", {non_finite} non-finite"));
            }
            out.push(Line {
                name: format!("{}..{}", run[0].name, run[run.len() - 1].name),
                dtype: run[0].dtype,
                min,
                max,
                mean,
                extra,
            });
        } else {
            out.extend(columns[i..end].iter().map(single));
        }
        i = end;
    }
    out
}

fn format_quantity(q: &Quantity) -> String {
    let error = if q.stderr_bits > 0.0 {
        format!(" ± {:.4} (Monte Carlo standard error)", q.stderr_bits)
    } else {
        " (exact)".to_string()
    };
    format!(
        "{} = {:.4} bits{error} = {:.4} nats; {}",
        q.quantity, q.bits, q.nats, q.formula
    )
}

impl Summary {
    /// Renders the summary as aligned text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} ({}): {} rows x {} columns",
            self.path,
            self.format,
            self.rows,
            self.columns.len()
        );
        let lines = lines(&self.columns);
        let width = lines.iter().map(|l| l.name.len()).max().unwrap_or(6).max(6);
        let _ = writeln!(
            out,
            "  {:width$}  {:4}  {:>11}  {:>11}  {:>11}",
            "column", "type", "min", "max", "mean"
        );
        for line in &lines {
            let integral = matches!(line.dtype, "i64" | "bool");
            let bound = |value: Option<f64>| match value {
                Some(v) if integral => format!("{v:.0}"),
                other => format_number(other),
            };
            let text = format!(
                "  {:width$}  {:4}  {:>11}  {:>11}  {:>11}  {}",
                line.name,
                line.dtype,
                bound(line.min),
                bound(line.max),
                format_number(line.mean),
                line.extra
            );
            let _ = writeln!(out, "{}", text.trim_end());
        }
        for (key, value) in &self.metadata {
            let _ = writeln!(out, "  metadata {key} = {value}");
        }
        match &self.truth {
            None => {
                let _ = writeln!(out, "truth: none (not generated by infocap gen)");
            }
            Some(truth) => {
                let _ = writeln!(
                    out,
                    "truth: family {}, seed {}, n {}, infocap-data {}{}",
                    truth.family,
                    truth.seed,
                    truth.n,
                    truth.version,
                    truth
                        .recipe
                        .as_ref()
                        .map(|r| format!(", recipe {r}"))
                        .unwrap_or_default()
                );
                let _ = writeln!(out, "  {}", format_quantity(&truth.primary));
                for other in &truth.others {
                    let _ = writeln!(out, "  {}", format_quantity(other));
                }
                let params: Vec<String> = truth
                    .params
                    .iter()
                    .map(|(k, v)| match v {
                        serde_json::Value::String(text) => format!("{k}={text}"),
                        other => format!("{k}={other}"),
                    })
                    .collect();
                let _ = writeln!(out, "  params: {}", params.join(", "));
            }
        }
        out.trim_end().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::{Format, write_dataset};
    use crate::generate::{Params, generate};

    #[test]
    fn column_statistics_are_exact() {
        let table = Table::new()
            .with("a", Column::F64(vec![1.0, -2.0, f64::NAN, 4.0]))
            .unwrap()
            .with(
                "s",
                Column::Str(vec!["u".into(), "v".into(), "u".into(), "w".into()]),
            )
            .unwrap();
        let columns = summarize_table(&table);
        assert_eq!(columns[0].min, Some(-2.0));
        assert_eq!(columns[0].max, Some(4.0));
        assert_eq!(columns[0].mean, Some(1.0));
        assert_eq!(columns[0].non_finite, 1);
        assert_eq!(columns[1].distinct, Some(3));
        assert_eq!(columns[1].min, None);
    }

    #[test]
    fn wide_tables_group_numbered_columns() {
        let data = generate("hidden-bits", &Params::new().with("k", 20), 100, 1).unwrap();
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("bits");
        write_dataset(&data, &folder, Format::Npy, false).unwrap();
        let summary = summarize_path(&folder).unwrap();
        assert_eq!(summary.rows, 100);
        assert_eq!(summary.columns.len(), 22);
        assert_eq!(summary.format, "npy");
        let text = summary.render();
        assert!(text.contains("x0..x19"), "{text}");
        assert!(text.contains("20 columns"), "{text}");
        assert!(text.contains("I(S;X) = 20.0000 bits (exact)"), "{text}");
        assert!(text.contains("label"), "{text}");
    }

    #[test]
    fn numbered_names_split() {
        assert_eq!(numbered("x12"), Some(("x", 12)));
        assert_eq!(numbered("i_xt_bits"), None);
        assert_eq!(numbered("x01"), None);
        assert_eq!(numbered("12"), None);
    }
}
