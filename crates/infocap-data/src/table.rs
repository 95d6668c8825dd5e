//! Column tables: the one place where infocap reads and writes Parquet and CSV.
//!
//! Every stage of the pipeline exchanges plain tables: data sets (`x0..`, `y0..`, `label`),
//! probe records of training runs, estimates and validation results. A [`Table`] is an ordered
//! list of named, equally long columns of one primitive type each, plus string metadata (seed,
//! versions) that is stored in the Parquet footer or, for CSV, dropped.
//!
//! Parquet support (arrow-rs) sits behind the `parquet` feature, so the compute crates can be
//! built and tested without it.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use ndarray::Array2;

use crate::error::{DataError, Result};

/// One column of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    F64(Vec<f64>),
    F32(Vec<f32>),
    I64(Vec<i64>),
    Bool(Vec<bool>),
    Str(Vec<String>),
}

impl Column {
    /// Returns the number of values.
    pub fn len(&self) -> usize {
        match self {
            Column::F64(v) => v.len(),
            Column::F32(v) => v.len(),
            Column::I64(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Str(v) => v.len(),
        }
    }

    /// Returns true when the column has no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns the type name used in messages and by `infocap inspect`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Column::F64(_) => "f64",
            Column::F32(_) => "f32",
            Column::I64(_) => "i64",
            Column::Bool(_) => "bool",
            Column::Str(_) => "str",
        }
    }

    /// Returns the values as f64, converting integers and booleans, or `None` for strings.
    pub fn to_f64(&self) -> Option<Vec<f64>> {
        match self {
            Column::F64(v) => Some(v.clone()),
            Column::F32(v) => Some(v.iter().map(|&x| f64::from(x)).collect()),
            Column::I64(v) => Some(v.iter().map(|&x| x as f64).collect()),
            Column::Bool(v) => Some(v.iter().map(|&x| f64::from(u8::from(x))).collect()),
            Column::Str(_) => None,
        }
    }

    /// Returns the value at `row` as text, for CSV output and previews.
    pub fn format_value(&self, row: usize) -> String {
        match self {
            Column::F64(v) => format_float(v[row]),
            Column::F32(v) => format_float(f64::from(v[row])),
            Column::I64(v) => v[row].to_string(),
            Column::Bool(v) => v[row].to_string(),
            Column::Str(v) => v[row].clone(),
        }
    }
}

/// Formats a float so that it reads back to the same value (shortest round-trip form).
fn format_float(x: f64) -> String {
    if x.is_nan() {
        "NaN".to_string()
    } else if x.is_infinite() {
        if x > 0.0 {
            "inf".to_string()
        } else {
            "-inf".to_string()
        }
    } else {
        format!("{x:?}")
    }
}

/// The file formats a [`Table`] can be stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Parquet,
    Csv,
}

impl TableFormat {
    /// Picks the format from a file extension (`.parquet`, `.csv`, optionally `.gz` for CSV).
    pub fn from_path(path: &Path) -> Result<Self> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if name.ends_with(".parquet") || name.ends_with(".pq") {
            Ok(TableFormat::Parquet)
        } else if name.ends_with(".csv") || name.ends_with(".csv.gz") {
            Ok(TableFormat::Csv)
        } else {
            Err(DataError::format(
                path,
                "unknown table format; use a file ending in .parquet or .csv",
            ))
        }
    }
}

/// An ordered set of named columns of equal length, with string metadata.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
    /// Free-form key-value metadata such as the seed and crate versions.
    pub metadata: BTreeMap<String, String>,
}

impl Table {
    /// Creates an empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a column.
    ///
    /// # Errors
    /// When the name is already taken or the length differs from the existing columns.
    pub fn push(&mut self, name: impl Into<String>, column: Column) -> Result<()> {
        let name = name.into();
        if self.names.contains(&name) {
            return Err(DataError::InvalidData(format!(
                "duplicate column name `{name}`"
            )));
        }
        if let Some(first) = self.columns.first()
            && first.len() != column.len()
        {
            return Err(DataError::InvalidData(format!(
                "column `{name}` has {} rows but the table has {}",
                column.len(),
                first.len()
            )));
        }
        self.names.push(name);
        self.columns.push(column);
        Ok(())
    }

    /// Appends a column and returns the table, for chained construction.
    pub fn with(mut self, name: impl Into<String>, column: Column) -> Result<Self> {
        self.push(name, column)?;
        Ok(self)
    }

    /// Appends the columns of a matrix as `{prefix}0`, `{prefix}1`, ...
    pub fn push_matrix(&mut self, prefix: &str, matrix: &Array2<f64>) -> Result<()> {
        for (j, column) in matrix.columns().into_iter().enumerate() {
            self.push(format!("{prefix}{j}"), Column::F64(column.to_vec()))?;
        }
        Ok(())
    }

    /// Returns the number of rows (0 for a table without columns).
    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Returns the number of columns.
    pub fn n_columns(&self) -> usize {
        self.columns.len()
    }

    /// Returns the column names in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Iterates over `(name, column)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Column)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.columns.iter())
    }

    /// Returns the column called `name`, if any.
    pub fn get(&self, name: &str) -> Option<&Column> {
        self.names
            .iter()
            .position(|n| n == name)
            .map(|i| &self.columns[i])
    }

    /// Returns the column called `name`, or an error that lists the columns there are.
    pub fn column(&self, name: &str) -> Result<&Column> {
        self.get(name).ok_or_else(|| self.missing(name))
    }

    fn missing(&self, name: &str) -> DataError {
        let hint = crate::error::closest_name(name, self.names.iter().map(String::as_str))
            .map(|best| format!(" (did you mean `{best}`?)"))
            .unwrap_or_default();
        DataError::InvalidData(format!(
            "column `{name}` not found{hint}; the table has: {}",
            summarize_names(&self.names)
        ))
    }

    /// Returns a numeric column as f64.
    pub fn f64_column(&self, name: &str) -> Result<Vec<f64>> {
        self.column(name)?.to_f64().ok_or_else(|| {
            DataError::InvalidData(format!("column `{name}` holds strings, expected numbers"))
        })
    }

    /// Returns a string column, or the text form of any other column.
    pub fn str_column(&self, name: &str) -> Result<Vec<String>> {
        let column = self.column(name)?;
        Ok(match column {
            Column::Str(v) => v.clone(),
            other => (0..other.len()).map(|i| other.format_value(i)).collect(),
        })
    }

    /// Returns the names that start with `prefix` followed by a number, in numeric order
    /// (`x0, x1, ..., x10`).
    pub fn numbered(&self, prefix: &str) -> Vec<String> {
        let mut found: Vec<(usize, &String)> = self
            .names
            .iter()
            .filter_map(|name| {
                let rest = name.strip_prefix(prefix)?;
                let index = rest.parse::<usize>().ok()?;
                (rest == index.to_string()).then_some((index, name))
            })
            .collect();
        found.sort();
        found.into_iter().map(|(_, name)| name.clone()).collect()
    }

    /// Stacks the named numeric columns into an n×d matrix.
    pub fn matrix(&self, names: &[String]) -> Result<Array2<f64>> {
        let n = self.n_rows();
        let mut out = Array2::<f64>::zeros((n, names.len()));
        for (j, name) in names.iter().enumerate() {
            let values = self.f64_column(name)?;
            out.column_mut(j)
                .assign(&ndarray::ArrayView1::from(&values));
        }
        Ok(out)
    }

    /// Keeps the rows where `keep` is true.
    pub fn filter_rows(&self, keep: &[bool]) -> Result<Table> {
        if keep.len() != self.n_rows() {
            return Err(DataError::InvalidData(format!(
                "row mask has {} entries for {} rows",
                keep.len(),
                self.n_rows()
            )));
        }
        fn pick<T: Clone>(values: &[T], keep: &[bool]) -> Vec<T> {
            values
                .iter()
                .zip(keep)
                .filter(|(_, k)| **k)
                .map(|(v, _)| v.clone())
                .collect()
        }
        let mut out = Table {
            metadata: self.metadata.clone(),
            ..Table::default()
        };
        for (name, column) in self.iter() {
            let filtered = match column {
                Column::F64(v) => Column::F64(pick(v, keep)),
                Column::F32(v) => Column::F32(pick(v, keep)),
                Column::I64(v) => Column::I64(pick(v, keep)),
                Column::Bool(v) => Column::Bool(pick(v, keep)),
                Column::Str(v) => Column::Str(pick(v, keep)),
            };
            out.push(name, filtered)?;
        }
        Ok(out)
    }

    /// Appends the rows of `other`, which must have the same column names and types.
    pub fn append(&mut self, other: Table) -> Result<()> {
        if self.columns.is_empty() {
            *self = Table {
                metadata: std::mem::take(&mut self.metadata),
                ..other
            };
            return Ok(());
        }
        if self.names != other.names {
            return Err(DataError::InvalidData(format!(
                "cannot append a table with columns [{}] to one with [{}]",
                summarize_names(&other.names),
                summarize_names(&self.names)
            )));
        }
        for ((name, mine), theirs) in self.names.iter().zip(&mut self.columns).zip(other.columns) {
            match (mine, theirs) {
                (Column::F64(a), Column::F64(b)) => a.extend(b),
                (Column::F32(a), Column::F32(b)) => a.extend(b),
                (Column::I64(a), Column::I64(b)) => a.extend(b),
                (Column::Bool(a), Column::Bool(b)) => a.extend(b),
                (Column::Str(a), Column::Str(b)) => a.extend(b),
                (a, b) => {
                    return Err(DataError::InvalidData(format!(
                        "column `{name}` is {} in one table and {} in the other",
                        a.type_name(),
                        b.type_name()
                    )));
                }
            }
        }
        Ok(())
    }

    /// Writes the table in the format given by the extension of `path`, atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        match TableFormat::from_path(path)? {
            TableFormat::Parquet => self.write_parquet(path),
            TableFormat::Csv => self.write_csv(path),
        }
    }

    /// Reads a table in the format given by the extension of `path`.
    pub fn read(path: &Path) -> Result<Table> {
        if !path.exists() {
            return Err(DataError::io(
                "cannot open",
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            ));
        }
        let table = match TableFormat::from_path(path)? {
            TableFormat::Parquet => Self::read_parquet(path)?,
            TableFormat::Csv => Self::read_csv(path)?,
        };
        Ok(table)
    }

    /// Writes the table as CSV with a header row; metadata is not stored.
    pub fn write_csv(&self, path: &Path) -> Result<()> {
        crate::atomic::write_file_atomic(path, |file| {
            let buffered = std::io::BufWriter::with_capacity(1 << 20, file);
            let mut writer = csv::Writer::from_writer(buffered);
            let csv_error = |e: csv::Error| DataError::format(path, e.to_string());
            writer.write_record(&self.names).map_err(csv_error)?;
            let mut record = Vec::with_capacity(self.columns.len());
            for row in 0..self.n_rows() {
                record.clear();
                record.extend(self.columns.iter().map(|c| c.format_value(row)));
                writer.write_record(&record).map_err(csv_error)?;
            }
            writer
                .flush()
                .map_err(|e| DataError::io("cannot write", path, e))
        })
    }

    /// Reads a CSV file with a header row (gzip-compressed when the name ends in `.gz`).
    ///
    /// A column becomes i64 when every value parses as an integer, f64 when every value parses
    /// as a number (`NaN`, `inf` included), bool for `true`/`false`, and text otherwise.
    pub fn read_csv(path: &Path) -> Result<Table> {
        let file = fs::File::open(path).map_err(|e| DataError::io("cannot open", path, e))?;
        let reader: Box<dyn std::io::Read> = if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
        {
            Box::new(flate2::read::GzDecoder::new(file))
        } else {
            Box::new(file)
        };
        let mut csv_reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(reader);
        let csv_error = |e: csv::Error| DataError::format(path, e.to_string());
        let header: Vec<String> = csv_reader
            .headers()
            .map_err(csv_error)?
            .iter()
            .map(str::to_string)
            .collect();
        if header.is_empty() {
            return Err(DataError::format(
                path,
                "the file is empty; expected a header row",
            ));
        }
        let mut raw: Vec<Vec<String>> = vec![Vec::new(); header.len()];
        for record in csv_reader.records() {
            let record = record.map_err(csv_error)?;
            for (values, field) in raw.iter_mut().zip(record.iter()) {
                values.push(field.trim().to_string());
            }
        }
        let mut table = Table::new();
        for (name, values) in header.into_iter().zip(raw) {
            table.push(name, infer_column(values))?;
        }
        Ok(table)
    }
}

/// Converts CSV text to the narrowest column type that holds every value.
fn infer_column(values: Vec<String>) -> Column {
    if !values.is_empty() && values.iter().all(|v| v.parse::<i64>().is_ok()) {
        return Column::I64(
            values
                .iter()
                .map(|v| v.parse().unwrap_or_default())
                .collect(),
        );
    }
    if !values.is_empty() && values.iter().all(|v| v.parse::<f64>().is_ok()) {
        return Column::F64(
            values
                .iter()
                .map(|v| v.parse().unwrap_or(f64::NAN))
                .collect(),
        );
    }
    if !values.is_empty() && values.iter().all(|v| v == "true" || v == "false") {
        return Column::Bool(values.iter().map(|v| v == "true").collect());
    }
    Column::Str(values)
}

/// Lists names for a message, shortening long numbered runs (`x0 .. x63`).
pub fn summarize_names(names: &[String]) -> String {
    if names.len() <= 12 {
        return names.join(", ");
    }
    format!(
        "{}, ... ({} more) ..., {}",
        names[..6].join(", "),
        names.len() - 9,
        names[names.len() - 3..].join(", ")
    )
}

#[cfg(feature = "parquet")]
mod parquet_io {
    use std::fs;
    use std::path::Path;
    use std::sync::Arc;

    use arrow_array::{
        Array, ArrayRef, BooleanArray, Float32Array, Float64Array, Int32Array, Int64Array,
        LargeStringArray, RecordBatch, StringArray, UInt8Array, UInt16Array, UInt32Array,
        UInt64Array,
    };
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::basic::Compression;
    use parquet::file::metadata::KeyValue;
    use parquet::file::properties::WriterProperties;
    use parquet::schema::types::ColumnPath;

    use super::{Column, Table};
    use crate::error::{DataError, Result};

    /// Rows per record batch and row group when writing.
    const BATCH_ROWS: usize = 1 << 17;

    impl Table {
        /// Writes the table as Parquet (Snappy-compressed), with the metadata in the footer.
        pub fn write_parquet(&self, path: &Path) -> Result<()> {
            let parquet_error = |e: parquet::errors::ParquetError| {
                DataError::format(path, format!("Parquet write failed: {e}"))
            };
            let fields: Vec<Field> = self
                .iter()
                .map(|(name, column)| {
                    let data_type = match column {
                        Column::F64(_) => DataType::Float64,
                        Column::F32(_) => DataType::Float32,
                        Column::I64(_) => DataType::Int64,
                        Column::Bool(_) => DataType::Boolean,
                        Column::Str(_) => DataType::Utf8,
                    };
                    Field::new(name, data_type, false)
                })
                .collect();
            let schema = Arc::new(Schema::new(fields));
            // Arrow copies of the rows from `start` to `end`: batches keep the copy small.
            let arrays = |start: usize, end: usize| -> Vec<ArrayRef> {
                self.iter()
                    .map(|(_, column)| -> ArrayRef {
                        match column {
                            Column::F64(v) => Arc::new(Float64Array::from(v[start..end].to_vec())),
                            Column::F32(v) => Arc::new(Float32Array::from(v[start..end].to_vec())),
                            Column::I64(v) => Arc::new(Int64Array::from(v[start..end].to_vec())),
                            Column::Bool(v) => Arc::new(BooleanArray::from(v[start..end].to_vec())),
                            Column::Str(v) => Arc::new(StringArray::from(v[start..end].to_vec())),
                        }
                    })
                    .collect()
            };
            let metadata: Vec<KeyValue> = self
                .metadata
                .iter()
                .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
                .collect();
            let mut properties = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_key_value_metadata((!metadata.is_empty()).then_some(metadata))
                .set_max_row_group_row_count(Some(BATCH_ROWS));
            // Float columns rarely repeat values, so trying a dictionary first only costs time.
            for (name, column) in self.iter() {
                if matches!(column, Column::F64(_) | Column::F32(_)) {
                    properties = properties
                        .set_column_dictionary_enabled(ColumnPath::from(name.to_string()), false);
                }
            }
            let properties = properties.build();
            crate::atomic::write_file_atomic(path, |file| {
                let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(properties))
                    .map_err(parquet_error)?;
                if self.n_columns() > 0 {
                    // One row group per batch, so the writer never buffers the whole table.
                    let rows = self.n_rows();
                    for start in (0..rows.max(1)).step_by(BATCH_ROWS) {
                        let end = (start + BATCH_ROWS).min(rows);
                        let batch = RecordBatch::try_new(schema.clone(), arrays(start, end))
                            .map_err(|e| DataError::format(path, e.to_string()))?;
                        writer.write(&batch).map_err(parquet_error)?;
                    }
                }
                writer.close().map_err(parquet_error)?;
                Ok(())
            })
        }

        /// Reads a Parquet file of flat primitive columns.
        ///
        /// Nulls are read as NaN in float columns and rejected elsewhere.
        pub fn read_parquet(path: &Path) -> Result<Table> {
            let file = fs::File::open(path).map_err(|e| DataError::io("cannot open", path, e))?;
            let parquet_error = |e: parquet::errors::ParquetError| {
                DataError::format(path, format!("not a readable Parquet file: {e}"))
            };
            let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(parquet_error)?;
            let mut table = Table::new();
            if let Some(pairs) = builder.metadata().file_metadata().key_value_metadata() {
                // arrow-rs stores its own schema under this key; it is not user metadata.
                for pair in pairs.iter().filter(|pair| pair.key != "ARROW:schema") {
                    table
                        .metadata
                        .insert(pair.key.clone(), pair.value.clone().unwrap_or_default());
                }
            }
            let schema = builder.schema().clone();
            let reader = builder.build().map_err(parquet_error)?;
            let mut columns: Vec<Column> = Vec::with_capacity(schema.fields().len());
            for field in schema.fields() {
                columns.push(empty_column(path, field)?);
            }
            for batch in reader {
                let batch = batch.map_err(|e| DataError::format(path, e.to_string()))?;
                for ((field, column), array) in schema
                    .fields()
                    .iter()
                    .zip(&mut columns)
                    .zip(batch.columns())
                {
                    extend_column(path, field.name(), column, array.as_ref())?;
                }
            }
            let metadata = std::mem::take(&mut table.metadata);
            for (field, column) in schema.fields().iter().zip(columns) {
                table.push(field.name().clone(), column)?;
            }
            table.metadata = metadata;
            Ok(table)
        }
    }

    fn empty_column(path: &Path, field: &Field) -> Result<Column> {
        Ok(match field.data_type() {
            DataType::Float64 => Column::F64(Vec::new()),
            DataType::Float32 => Column::F32(Vec::new()),
            DataType::Int64
            | DataType::Int32
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => Column::I64(Vec::new()),
            DataType::Boolean => Column::Bool(Vec::new()),
            DataType::Utf8 | DataType::LargeUtf8 => Column::Str(Vec::new()),
            other => {
                return Err(DataError::format(
                    path,
                    format!(
                        "column `{}` has type {other}, which infocap does not read; \
                         store numbers as float or integer columns",
                        field.name()
                    ),
                ));
            }
        })
    }

    fn extend_column(
        path: &Path,
        name: &str,
        column: &mut Column,
        array: &dyn Array,
    ) -> Result<()> {
        let nulls = |what: &str| {
            DataError::format(
                path,
                format!("column `{name}` has null values in a {what} column"),
            )
        };
        let any = array.as_any();
        match column {
            Column::F64(values) => {
                let a = any
                    .downcast_ref::<Float64Array>()
                    .expect("schema type is Float64");
                values
                    .extend((0..a.len()).map(|i| if a.is_null(i) { f64::NAN } else { a.value(i) }));
            }
            Column::F32(values) => {
                let a = any
                    .downcast_ref::<Float32Array>()
                    .expect("schema type is Float32");
                values
                    .extend((0..a.len()).map(|i| if a.is_null(i) { f32::NAN } else { a.value(i) }));
            }
            Column::I64(values) => {
                if array.null_count() > 0 {
                    return Err(nulls("integer"));
                }
                if let Some(a) = any.downcast_ref::<Int64Array>() {
                    values.extend(a.values().iter().copied());
                } else if let Some(a) = any.downcast_ref::<Int32Array>() {
                    values.extend(a.values().iter().map(|&v| i64::from(v)));
                } else if let Some(a) = any.downcast_ref::<UInt8Array>() {
                    values.extend(a.values().iter().map(|&v| i64::from(v)));
                } else if let Some(a) = any.downcast_ref::<UInt16Array>() {
                    values.extend(a.values().iter().map(|&v| i64::from(v)));
                } else if let Some(a) = any.downcast_ref::<UInt32Array>() {
                    values.extend(a.values().iter().map(|&v| i64::from(v)));
                } else if let Some(a) = any.downcast_ref::<UInt64Array>() {
                    for &v in a.values().iter() {
                        let v = i64::try_from(v).map_err(|_| {
                            DataError::format(path, format!("column `{name}` has {v}, above i64"))
                        })?;
                        values.push(v);
                    }
                }
            }
            Column::Bool(values) => {
                if array.null_count() > 0 {
                    return Err(nulls("boolean"));
                }
                let a = any
                    .downcast_ref::<BooleanArray>()
                    .expect("schema type is Boolean");
                values.extend((0..a.len()).map(|i| a.value(i)));
            }
            Column::Str(values) => {
                if let Some(a) = any.downcast_ref::<StringArray>() {
                    values.extend((0..a.len()).map(|i| a.value(i).to_string()));
                } else if let Some(a) = any.downcast_ref::<LargeStringArray>() {
                    values.extend((0..a.len()).map(|i| a.value(i).to_string()));
                }
            }
        }
        Ok(())
    }
}

#[cfg(not(feature = "parquet"))]
impl Table {
    /// Fails: this build has no Parquet support.
    pub fn write_parquet(&self, path: &Path) -> Result<()> {
        Err(DataError::format(
            path,
            "this build has no Parquet support; write a .csv file",
        ))
    }

    /// Fails: this build has no Parquet support.
    pub fn read_parquet(path: &Path) -> Result<Table> {
        Err(DataError::format(
            path,
            "this build has no Parquet support; read a .csv file",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut table = Table::new()
            .with("x0", Column::F64(vec![0.5, -1.25, 1e-300]))
            .unwrap()
            .with("x1", Column::F32(vec![1.0, 2.5, -0.125]))
            .unwrap()
            .with("label", Column::I64(vec![0, 1, 7]))
            .unwrap()
            .with("flag", Column::Bool(vec![true, false, true]))
            .unwrap()
            .with(
                "layer",
                Column::Str(vec!["a".into(), "b,c".into(), "d".into()]),
            )
            .unwrap();
        table.metadata.insert("seed".into(), "7".into());
        table
    }

    #[test]
    fn push_rejects_length_mismatch() {
        let mut table = Table::new().with("a", Column::I64(vec![1, 2])).unwrap();
        let error = table.push("b", Column::I64(vec![1])).unwrap_err();
        assert!(
            error.to_string().contains("has 1 rows but the table has 2"),
            "{error}"
        );
    }

    #[test]
    fn push_rejects_duplicate_name() {
        let mut table = Table::new().with("a", Column::I64(vec![1])).unwrap();
        assert!(table.push("a", Column::I64(vec![2])).is_err());
    }

    #[test]
    fn numbered_sorts_numerically() {
        let mut table = Table::new();
        for name in ["x10", "x2", "x0", "xa", "y0", "x01"] {
            table.push(name, Column::I64(vec![0])).unwrap();
        }
        assert_eq!(table.numbered("x"), vec!["x0", "x2", "x10"]);
    }

    #[test]
    fn missing_column_suggests_nearest() {
        let error = sample().column("lable").unwrap_err().to_string();
        assert!(error.contains("did you mean `label`"), "{error}");
    }

    #[test]
    fn csv_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let table = sample();
        table.write(&path).unwrap();
        let back = Table::read(&path).unwrap();
        assert_eq!(back.names(), table.names());
        assert_eq!(back.f64_column("x0").unwrap(), vec![0.5, -1.25, 1e-300]);
        assert_eq!(back.f64_column("x1").unwrap(), vec![1.0, 2.5, -0.125]);
        assert_eq!(back.column("label").unwrap(), &Column::I64(vec![0, 1, 7]));
        assert_eq!(
            back.column("flag").unwrap(),
            &Column::Bool(vec![true, false, true])
        );
        assert_eq!(back.str_column("layer").unwrap(), vec!["a", "b,c", "d"]);
    }

    #[cfg(feature = "parquet")]
    #[test]
    fn parquet_round_trip_keeps_types_and_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let table = sample();
        table.write(&path).unwrap();
        let back = Table::read(&path).unwrap();
        assert_eq!(back, table);
    }

    #[cfg(feature = "parquet")]
    #[test]
    fn parquet_round_trip_across_row_groups() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.parquet");
        let rows = (1 << 17) + 5;
        let table = Table::new()
            .with(
                "x0",
                Column::F64((0..rows).map(|i| i as f64 * 0.5).collect()),
            )
            .unwrap()
            .with(
                "label",
                Column::I64((0..rows as i64).map(|i| i % 7).collect()),
            )
            .unwrap();
        table.write(&path).unwrap();
        assert_eq!(Table::read(&path).unwrap(), table);
    }

    #[cfg(feature = "parquet")]
    #[test]
    fn parquet_write_is_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.parquet");
        let b = dir.path().join("b.parquet");
        sample().write(&a).unwrap();
        sample().write(&b).unwrap();
        assert_eq!(fs::read(a).unwrap(), fs::read(b).unwrap());
    }

    #[test]
    fn unknown_extension_is_an_error() {
        let error = sample().write(Path::new("t.xlsx")).unwrap_err().to_string();
        assert!(error.contains(".parquet or .csv"), "{error}");
    }

    #[test]
    fn garbage_file_is_a_format_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.parquet");
        fs::write(&path, b"not parquet at all").unwrap();
        #[cfg(feature = "parquet")]
        {
            let error = Table::read(&path).unwrap_err().to_string();
            assert!(error.contains("not a readable Parquet file"), "{error}");
        }
    }
}
