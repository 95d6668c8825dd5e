//! The charts of a run, each drawn as PNG and SVG from the experiment's results.

use std::path::Path;

use infocap_estimate::plot::{
    self, BitsPerLayer, CapacityChart, ChartOptions, GradSnr, InfoPlane, InfoPlanePanel,
    InfoPlanePoint, LayerPath, ReferenceLine, Series,
};

use super::Results;
use super::records::{LayerRow, RegimeRow};

/// A chart written by the run: its file stem and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File name without extension; `.png` and `.svg` exist.
    pub stem: String,
    pub title: String,
    /// How to read it, one paragraph for the report.
    pub reading: String,
}

/// Draws every chart into `dir` and returns them in report order.
pub fn draw_all(results: &Results, dir: &Path) -> anyhow::Result<Vec<Chart>> {
    let mut charts = Vec::new();
    let mut add = |chart: Option<Chart>| {
        if let Some(chart) = chart {
            charts.push(chart);
        }
    };
    add(info_plane_chart(
        results,
        "patterns",
        "info-plane-patterns",
        dir,
    )?);
    add(info_plane_chart(results, "real", "info-plane-real", dir)?);
    add(bits_per_layer_chart(results, dir)?);
    add(capacity_chart(results, dir)?);
    add(memorization_chart(results, dir)?);
    add(label_noise_chart(results, dir)?);
    add(grad_snr_chart(results, dir)?);
    add(estimator_chart(results, dir)?);
    Ok(charts)
}

fn both_formats(
    dir: &Path,
    stem: &str,
    mut draw: impl FnMut(&Path) -> Result<plot::PlotSummary, plot::PlotError>,
) -> anyhow::Result<()> {
    for extension in ["png", "svg"] {
        draw(&dir.join(format!("{stem}.{extension}")))?;
    }
    Ok(())
}

fn layer_rows<'a>(results: &'a Results, task: &str, regime: &str) -> Vec<&'a LayerRow> {
    results
        .layers
        .iter()
        .filter(|r| r.task == task && r.regime == regime)
        .collect()
}

/// Picks the regimes shown in the real-data information plane: no noise, the strongest
/// Gaussian noise, the strongest VAE bottleneck and binary units, when they ran.
fn real_plane_regimes(results: &Results) -> Vec<String> {
    let real: Vec<&RegimeRow> = results
        .regimes
        .iter()
        .filter(|r| r.task == "real")
        .collect();
    let strongest = |kind: &str| {
        real.iter()
            .filter(|r| r.kind == kind)
            .max_by(|a, b| a.level.total_cmp(&b.level))
            .map(|r| r.regime.clone())
    };
    ["none", "gauss", "vae", "binary"]
        .into_iter()
        .filter_map(strongest)
        .collect()
}

fn info_plane_chart(
    results: &Results,
    task: &str,
    stem: &str,
    dir: &Path,
) -> anyhow::Result<Option<Chart>> {
    let regimes: Vec<String> = if task == "patterns" {
        let mut names: Vec<String> = Vec::new();
        for row in results.regimes.iter().filter(|r| r.task == task) {
            names.push(row.regime.clone());
        }
        names
    } else {
        real_plane_regimes(results)
    };
    let mut panels = Vec::new();
    for regime in &regimes {
        let rows = layer_rows(results, task, regime);
        let max_layer = rows.iter().map(|r| r.bits.layer).max().unwrap_or(0);
        let layers = (1..=max_layer)
            .map(|layer| {
                let mut points: Vec<InfoPlanePoint> = rows
                    .iter()
                    .filter(|r| r.bits.layer == layer)
                    .map(|r| InfoPlanePoint {
                        epoch: r.bits.epoch as f64,
                        i_xt_bits: r.bits.i_xt_bits,
                        i_ty_bits: r.bits.i_ty_bits,
                    })
                    .collect();
                points.sort_by(|a, b| a.epoch.total_cmp(&b.epoch));
                let label = if layer == max_layer {
                    "output".to_string()
                } else {
                    format!("layer {layer}")
                };
                LayerPath { label, points }
            })
            .collect();
        panels.push(InfoPlanePanel {
            title: regime.clone(),
            layers,
        });
    }
    if panels.is_empty() {
        return Ok(None);
    }
    let chart = InfoPlane {
        panels,
        log_epoch_color: true,
    };
    let title = if task == "patterns" {
        "Information plane, binary-pattern task".to_string()
    } else {
        format!("Information plane, {}", results.data_name)
    };
    let mut options = ChartOptions::info_plane();
    options.title = title.clone();
    options.width = 480 * chart.panels.len().clamp(2, 4) as u32;
    both_formats(dir, stem, |path| plot::info_plane(&chart, &options, path))?;
    let reading = if task == "patterns" {
        "Each line is one layer across training, colored by epoch; x is I(X;T), what the \
         layer keeps about the input, and y is I(T;Y), what it keeps about the label. \
         Deterministic layers are binned (30 bins per unit), so their I(X;T) is the entropy of \
         the binned code, at most log2 N, and depends on the bin width. The noisy panel uses \
         the pairwise-distance bound instead, which is a property of the network, not of a bin \
         width, and caps the layers above the noisy one by it (data processing inequality)."
    } else {
        "The same plane on the real data set. Without noise, binned layers sit near log2 N \
         (every input has its own code). Layers with Gaussian noise get the pairwise bounds and \
         the VAE bottleneck its rate, both finite; binary units are counted exactly. Layers \
         without noise, such as the output, are binned, and capped by the bounds of a noisy \
         layer below them (data processing inequality). A function of binary codes has at most \
         as many distinct values as there are codes, so after binary units the output falls \
         below log2 N."
    };
    Ok(Some(Chart {
        stem: stem.to_string(),
        title,
        reading: reading.to_string(),
    }))
}

/// Draws I(X;T) per layer over epochs for the strongest Gaussian-noise regime, with the
/// ceilings log2 N and the summed unit capacities.
fn bits_per_layer_chart(results: &Results, dir: &Path) -> anyhow::Result<Option<Chart>> {
    let Some(regime) = results
        .regimes
        .iter()
        .filter(|r| r.task == "real" && r.kind == "gauss")
        .max_by(|a, b| a.level.total_cmp(&b.level))
    else {
        return Ok(None);
    };
    let rows = layer_rows(results, "real", &regime.regime);
    let max_layer = rows.iter().map(|r| r.bits.layer).max().unwrap_or(0);
    let mut layers = Vec::new();
    let mut ceilings = Vec::new();
    for layer in 1..max_layer {
        let mut picked: Vec<&&LayerRow> = rows.iter().filter(|r| r.bits.layer == layer).collect();
        picked.sort_by_key(|r| r.bits.epoch);
        let points = picked
            .iter()
            .map(|r| (r.bits.epoch as f64, r.bits.i_xt_bits))
            .collect();
        // Only a layer fed by X itself has a lower bound. Shading deeper layers down to 0
        // would draw an interval that was never measured.
        let band = picked
            .iter()
            .all(|r| r.bits.i_xt_low_bits.is_finite())
            .then(|| {
                picked
                    .iter()
                    .map(|r| {
                        (
                            r.bits.epoch as f64,
                            r.bits.i_xt_low_bits,
                            r.bits.i_xt_high_bits,
                        )
                    })
                    .collect()
            });
        layers.push(Series {
            label: format!("layer {layer}"),
            points,
            band,
        });
        if let Some(last) = picked.last()
            && last.bits.capacity_bits < last.bits.log2_n_bits
        {
            ceilings.push(ReferenceLine {
                label: format!("layer {layer} capacity, last epoch"),
                value: last.bits.capacity_bits,
            });
        }
    }
    if let Some(first) = rows.first() {
        ceilings.push(ReferenceLine {
            label: "log2 N".to_string(),
            value: first.bits.log2_n_bits,
        });
    }
    let chart = BitsPerLayer { layers, ceilings };
    let title = format!("Bits per layer, {} ({})", regime.regime, results.data_name);
    let mut options = ChartOptions::bits_per_layer();
    options.title = title.clone();
    options.y_label = "I(X;T) (bits), KL upper bound".to_string();
    both_formats(dir, "bits-per-layer", |path| {
        plot::bits_per_layer(&chart, &options, path)
    })?;
    Ok(Some(Chart {
        stem: "bits-per-layer".to_string(),
        title,
        reading: "I(X;T) of each hidden layer over training under Gaussian noise kept at \
                  evaluation. The line is the KL (upper) pairwise bound; the shaded band of \
                  the first layer reaches down to the Bhattacharyya (lower) bound. Deeper \
                  layers see the noisy output of the layer before, so they have only the upper \
                  bound, capped by that layer's (data processing inequality): where the cap \
                  binds, their line lies on the one before, and the marker shapes tell them \
                  apart. Dashed lines are ceilings: log2 N for N probe inputs and the summed \
                  Gaussian capacity of the layer's units at the last epoch, which changes during \
                  training with the power of the unit means."
            .to_string(),
    }))
}

/// Draws gap and memorized bits against bits per unit of the capacity-limited layer.
fn capacity_chart(results: &Results, dir: &Path) -> anyhow::Result<Option<Chart>> {
    let mut gap = Vec::new();
    let mut memorized = Vec::new();
    for (task, label) in [
        ("capacity", "real labels"),
        ("capacity-random", "random labels"),
    ] {
        let mut rows: Vec<&RegimeRow> = results.regimes.iter().filter(|r| r.task == task).collect();
        if rows.is_empty() {
            continue;
        }
        rows.sort_by(|a, b| a.level.total_cmp(&b.level));
        gap.push(Series::new(
            label,
            rows.iter().map(|r| (r.level, r.gap)).collect(),
        ));
        memorized.push(Series::new(
            label,
            rows.iter().map(|r| (r.level, r.memorized_bits)).collect(),
        ));
    }
    if gap.is_empty() {
        return Ok(None);
    }
    let chart = CapacityChart {
        gap,
        memorized,
        memorized_label: "memorized (bits)".to_string(),
        memorized_references: Vec::new(),
    };
    let title = format!("Capacity against overfitting ({})", results.data_name);
    let mut options = ChartOptions::capacity();
    options.title = title.clone();
    options.x_label = "capacity of each hidden unit (bits)".to_string();
    options.log_x = true;
    both_formats(dir, "capacity-vs-overfitting", |path| {
        plot::capacity_vs_overfitting(&chart, &options, path)
    })?;
    Ok(Some(Chart {
        stem: "capacity-vs-overfitting".to_string(),
        title,
        reading: "Every hidden unit is a bounded activation plus Gaussian noise whose variance \
                  gives the capacity on the x axis. Top: train minus test accuracy. Bottom: \
                  memorized bits, N log2 C minus the summed training cross-entropy in bits. \
                  With random labels, everything memorized is overfitting."
            .to_string(),
    }))
}

/// Draws train accuracy and bits per parameter against parameter count for random labels.
fn memorization_chart(results: &Results, dir: &Path) -> anyhow::Result<Option<Chart>> {
    let mut rows: Vec<&RegimeRow> = results
        .regimes
        .iter()
        .filter(|r| r.task == "memorization")
        .collect();
    rows.sort_by_key(|r| r.n_params);
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let label = format!("N = {}, {} classes", first.n_train, first.n_classes);
    let chart = CapacityChart {
        gap: vec![Series::new(
            &label,
            rows.iter().map(|r| (r.n_params as f64, r.gap)).collect(),
        )],
        memorized: vec![Series::new(
            &label,
            rows.iter()
                .map(|r| (r.n_params as f64, r.bits_per_parameter))
                .collect(),
        )],
        memorized_label: "memorized (bits per parameter)".to_string(),
        memorized_references: vec![ReferenceLine {
            label: "2 bits per parameter".to_string(),
            value: 2.0,
        }],
    };
    let title = "Memorization of random labels against network size".to_string();
    let mut options = ChartOptions::capacity();
    options.title = title.clone();
    options.x_label = "parameters".to_string();
    options.log_x = true;
    both_formats(dir, "memorization", |path| {
        plot::capacity_vs_overfitting(&chart, &options, path)
    })?;
    Ok(Some(Chart {
        stem: "memorization".to_string(),
        title,
        reading: "One hidden ReLU layer of growing width on Gaussian inputs whose labels are \
                  independent of them, so everything learned is memorized and the test \
                  accuracy stays at chance. Top: train minus test accuracy. Bottom: memorized \
                  bits (N log2 C minus the summed training cross-entropy in bits) per \
                  parameter; the dashed line is the 2 bits per parameter of a perceptron \
                  (Cover 1965; Gardner 1988)."
            .to_string(),
    }))
}

/// Draws gap and memorized bits against the fraction of random training labels.
fn label_noise_chart(results: &Results, dir: &Path) -> anyhow::Result<Option<Chart>> {
    let mut rows: Vec<&RegimeRow> = results
        .regimes
        .iter()
        .filter(|r| r.task == "label-noise")
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    rows.sort_by(|a, b| a.level.total_cmp(&b.level));
    let label = results.data_name.clone();
    let chart = CapacityChart {
        gap: vec![Series::new(
            &label,
            rows.iter().map(|r| (r.level, r.gap)).collect(),
        )],
        memorized: vec![Series::new(
            &label,
            rows.iter().map(|r| (r.level, r.memorized_bits)).collect(),
        )],
        memorized_label: "memorized (bits)".to_string(),
        memorized_references: Vec::new(),
    };
    let title = format!("Random labels against overfitting ({})", results.data_name);
    let mut options = ChartOptions::capacity();
    options.title = title.clone();
    options.x_label = "fraction of training labels replaced by random ones".to_string();
    both_formats(dir, "label-noise", |path| {
        plot::capacity_vs_overfitting(&chart, &options, path)
    })?;
    Ok(Some(Chart {
        stem: "label-noise".to_string(),
        title,
        reading: "The real-data network trained on labels of which a fraction is random. Top: \
                  train minus test accuracy, where training accuracy is scored against the \
                  partly random labels and test accuracy against clean ones: a network that \
                  learns only the rule has a negative gap, one that also stores the random \
                  labels a positive one. Bottom: memorized bits, N log2 C minus the training \
                  cross-entropy."
            .to_string(),
    }))
}

/// Draws the gradient signal-to-noise ratio over epochs for the batch and gradient-noise
/// regimes.
fn grad_snr_chart(results: &Results, dir: &Path) -> anyhow::Result<Option<Chart>> {
    let names: Vec<&RegimeRow> = results
        .regimes
        .iter()
        .filter(|r| {
            r.task == "real"
                && matches!(
                    r.kind.as_str(),
                    "none" | "batch" | "grad-noise" | "async" | "dropout"
                )
        })
        .collect();
    let mut layers = Vec::new();
    for regime in names {
        let mut points: Vec<(f64, f64)> = results
            .gradients
            .iter()
            .filter(|g| g.task == "real" && g.regime == regime.regime && g.epoch > 0)
            .map(|g| (g.epoch as f64, g.grad_snr))
            .collect();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        layers.push(Series::new(&regime.regime, points));
    }
    if layers.is_empty() {
        return Ok(None);
    }
    let chart = GradSnr { layers };
    let title = format!("Gradient signal-to-noise ratio ({})", results.data_name);
    let mut options = ChartOptions::grad_snr();
    options.title = title.clone();
    options.log_x = true;
    both_formats(dir, "grad-snr", |path| {
        plot::grad_snr(&chart, &options, path)
    })?;
    Ok(Some(Chart {
        stem: "grad-snr".to_string(),
        title,
        reading: "Norm of the mean gradient over the spread of minibatch gradients at the \
                  training batch size, for all parameters. Smaller batches and dropout lower \
                  it; as training converges the mean gradient shrinks and the ratio falls."
            .to_string(),
    }))
}

fn estimator_chart(results: &Results, dir: &Path) -> anyhow::Result<Option<Chart>> {
    if results.checks.is_empty() {
        return Ok(None);
    }
    let title = "Estimators against known truth";
    for extension in ["png", "svg"] {
        let path = dir.join(format!("estimate-vs-truth.{extension}"));
        crate::commands::validate::draw_chart(&results.checks, &path, title)?;
    }
    Ok(Some(Chart {
        stem: "estimate-vs-truth".to_string(),
        title: title.to_string(),
        reading: "Every estimator on data sets whose mutual information is known exactly. \
                  Points on the diagonal are exact; the band is the validation tolerance (a \
                  factor of 1.5, or 0.05 bits below 0.1 bits)."
            .to_string(),
    }))
}
