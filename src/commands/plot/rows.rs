//! Turning table rows into chart series: row filters, grouping by a column, averaging rows
//! that share an x value, and axis titles derived from column names.

use std::collections::BTreeMap;

use anyhow::{Context, bail};
use infocap_data::{Column, Table};

/// Keeps the rows matching every `COLUMN=VALUE` filter.
///
/// A numeric column matches a value that parses as the same number (`--where lr=0.1` matches
/// 0.1 stored as f64); other columns match the text form exactly.
pub fn filter(table: Table, filters: &[String]) -> anyhow::Result<Table> {
    let mut table = table;
    for filter in filters {
        let Some((name, value)) = filter.split_once('=') else {
            bail!("invalid --where `{filter}`: expected COLUMN=VALUE, such as --where seed=0");
        };
        let (name, value) = (name.trim(), value.trim());
        let column = table
            .column(name)
            .with_context(|| format!("invalid --where `{filter}`"))?;
        let keep: Vec<bool> = match (column.to_f64(), value.parse::<f64>()) {
            (Some(numbers), Ok(target)) => numbers.iter().map(|&x| x == target).collect(),
            _ => {
                let text = table.str_column(name)?;
                text.iter().map(|t| t == value).collect()
            }
        };
        if !keep.contains(&true) {
            let present = distinct_text(&table.str_column(name)?, 12);
            bail!("no rows where {name} = {value}; the column has {present}");
        }
        tracing::debug!(
            filter,
            kept = keep.iter().filter(|k| **k).count(),
            "filtered rows"
        );
        table = table.filter_rows(&keep)?;
    }
    Ok(table)
}

/// Lists up to `limit` distinct values, in order of appearance, for messages.
fn distinct_text(values: &[String], limit: usize) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for value in values {
        if !seen.contains(&value.as_str()) {
            seen.push(value);
        }
    }
    let total = seen.len();
    let mut text = seen.into_iter().take(limit).collect::<Vec<_>>().join(", ");
    if total > limit {
        text += &format!(" and {} more", total - limit);
    }
    text
}

/// Reads the numeric column `name` for the chart part `role` (such as "the x axis"), naming
/// the flag that chooses another column when it is missing or not numeric.
pub fn numbers(table: &Table, name: &str, role: &str, flag: &str) -> anyhow::Result<Vec<f64>> {
    table
        .f64_column(name)
        .with_context(|| format!("{role} needs column `{name}` (choose another with {flag})"))
}

/// Returns the first of `names` that the table has.
pub fn first_present<'a>(table: &Table, names: &[&'a str]) -> Option<&'a str> {
    names.iter().copied().find(|name| table.get(name).is_some())
}

/// Rows split by the values of one column, each group with its legend label.
pub struct Groups {
    pub groups: Vec<(String, Vec<usize>)>,
}

impl Groups {
    /// Splits the rows of `table` by the values of `column`, or keeps them in one group labelled
    /// `single_label` without a column.
    ///
    /// Numeric values are sorted numerically and labelled `COLUMN VALUE` ("layer 2"); text
    /// values keep their order of first appearance and are labelled as they are.
    pub fn new(table: &Table, column: Option<&str>, single_label: &str) -> anyhow::Result<Self> {
        let Some(name) = column else {
            let rows = (0..table.n_rows()).collect();
            return Ok(Groups {
                groups: vec![(single_label.to_string(), rows)],
            });
        };
        let text = table
            .str_column(name)
            .with_context(|| format!("cannot group by `{name}` (choose another with --group)"))?;
        let numeric = !matches!(table.column(name)?, Column::Str(_));
        let mut order: Vec<String> = Vec::new();
        let mut rows: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (row, value) in text.iter().enumerate() {
            if !rows.contains_key(value) {
                order.push(value.clone());
            }
            rows.entry(value.clone()).or_default().push(row);
        }
        if numeric {
            order.sort_by(|a, b| {
                let (a, b) = (a.parse::<f64>(), b.parse::<f64>());
                a.unwrap_or(f64::NAN).total_cmp(&b.unwrap_or(f64::NAN))
            });
        }
        let groups = order
            .into_iter()
            .map(|value| {
                let label = if numeric {
                    format!("{name} {value}")
                } else {
                    value.clone()
                };
                let rows = rows.remove(&value).unwrap_or_default();
                (label, rows)
            })
            .collect();
        Ok(Groups { groups })
    }
}

/// Averages the values of rows that share an x value, in order of x.
///
/// Each row carries `x` and `N` values. NaN values are left out of a mean, and a mean of no
/// finite values is NaN, which the chart then skips and counts. Returns the points and the
/// number of x values that averaged more than one row.
pub fn average_by_x<const N: usize>(rows: &[(f64, [f64; N])]) -> (Vec<(f64, [f64; N])>, usize) {
    let mut sorted: Vec<&(f64, [f64; N])> = rows.iter().collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut points: Vec<(f64, [f64; N])> = Vec::new();
    let mut averaged = 0;
    let mut start = 0;
    while start < sorted.len() {
        let x = sorted[start].0;
        let mut end = start + 1;
        while end < sorted.len() && sorted[end].0.total_cmp(&x).is_eq() {
            end += 1;
        }
        let block = &sorted[start..end];
        if block.len() > 1 {
            averaged += 1;
        }
        let mut means = [f64::NAN; N];
        for (k, mean) in means.iter_mut().enumerate() {
            let finite: Vec<f64> = block
                .iter()
                .map(|row| row.1[k])
                .filter(|v| v.is_finite())
                .collect();
            if !finite.is_empty() {
                *mean = finite.iter().sum::<f64>() / finite.len() as f64;
            }
        }
        points.push((x, means));
        start = end;
    }
    (points, averaged)
}

/// Returns an axis title for a column: a known name ("I(X;T) (bits)") or the name with its
/// unit suffix written out ("kl_nats" becomes "kl (nats)").
pub fn column_label(name: &str) -> String {
    let known = match name {
        "i_xt_bits" => Some("I(X;T) (bits)"),
        "i_ty_bits" => Some("I(T;Y) (bits)"),
        "bits" => Some("information (bits)"),
        "truth_bits" => Some("true information (bits)"),
        "gap" => Some("train − test accuracy"),
        "memorized_bits" => Some("memorized (bits)"),
        "bits_per_parameter" => Some("memorized (bits per parameter)"),
        "capacity_bits_per_unit" => Some("capacity (bits per unit)"),
        "grad_snr" => Some("gradient SNR"),
        "label_noise" => Some("label-noise fraction"),
        _ => None,
    };
    if let Some(label) = known {
        return label.to_string();
    }
    let units = [
        ("_bits_per_parameter", "bits per parameter"),
        ("_bits_per_unit", "bits per unit"),
        ("_bits", "bits"),
        ("_nats", "nats"),
    ];
    for (suffix, unit) in units {
        if let Some(stem) = name.strip_suffix(suffix) {
            return format!("{} ({unit})", stem.replace('_', " "));
        }
    }
    name.replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table::new()
            .with("seed", Column::I64(vec![0, 1, 0, 1]))
            .unwrap()
            .with("lr", Column::F64(vec![0.1, 0.1, 0.2, 0.2]))
            .unwrap()
            .with(
                "regime",
                Column::Str(vec![
                    "tanh".into(),
                    "relu".into(),
                    "tanh".into(),
                    "relu".into(),
                ]),
            )
            .unwrap()
    }

    #[test]
    fn filter_matches_numbers_and_text() {
        let filtered = filter(table(), &["lr=0.1".into(), "regime=relu".into()]).unwrap();
        assert_eq!(filtered.n_rows(), 1);
        assert_eq!(filtered.f64_column("seed").unwrap(), vec![1.0]);
    }

    #[test]
    fn filter_without_matches_lists_values() {
        let error = filter(table(), &["seed=7".into()]).unwrap_err().to_string();
        assert!(error.contains("no rows where seed = 7"), "{error}");
        assert!(error.contains("0, 1"), "{error}");
    }

    #[test]
    fn filter_needs_an_equals_sign() {
        let error = filter(table(), &["seed".into()]).unwrap_err().to_string();
        assert!(error.contains("expected COLUMN=VALUE"), "{error}");
    }

    #[test]
    fn groups_sort_numbers_and_keep_text_order() {
        let numeric = Table::new()
            .with("layer", Column::I64(vec![10, 2, 10, 1]))
            .unwrap();
        let groups = Groups::new(&numeric, Some("layer"), "all").unwrap().groups;
        let labels: Vec<&str> = groups.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(labels, ["layer 1", "layer 2", "layer 10"]);
        assert_eq!(groups[2].1, vec![0, 2]);

        let groups = Groups::new(&table(), Some("regime"), "all").unwrap().groups;
        let labels: Vec<&str> = groups.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(labels, ["tanh", "relu"]);
    }

    #[test]
    fn average_by_x_merges_equal_x() {
        let rows = [(2.0, [4.0]), (1.0, [1.0]), (2.0, [6.0]), (2.0, [f64::NAN])];
        let (points, averaged) = average_by_x(&rows);
        assert_eq!(points, vec![(1.0, [1.0]), (2.0, [5.0])]);
        assert_eq!(averaged, 1);
    }

    #[test]
    fn column_labels_spell_out_units() {
        assert_eq!(column_label("i_xt_bits"), "I(X;T) (bits)");
        assert_eq!(column_label("kl_nats"), "kl (nats)");
        assert_eq!(column_label("dropout_rate"), "dropout rate");
        assert_eq!(column_label("noise_bits_per_unit"), "noise (bits per unit)");
    }
}
