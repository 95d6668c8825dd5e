//! A Jupyter notebook that loads a run's tables with pandas and redraws every chart with
//! matplotlib, so a user can change a plot without rerunning the experiment.
//!
//! The notebook carries no outputs; `RUN_DIR` in its first cell points at the run folder
//! (`.` for the copy inside the folder).

use serde_json::{Value, json};

/// Source of the code cells after the setup cell, each redrawing one chart.
const CELLS: &[(&str, &str)] = &[
    (
        "## Regimes\nOne row per training run: accuracies, the train-test gap, memorized bits.",
        r#"regimes[["task", "regime", "train_accuracy", "test_accuracy", "gap", "last_hidden_bits", "last_hidden_method", "memorized_bits", "bits_per_parameter"]]"#,
    ),
    (
        "## Information plane\nI(X;T) against I(T;Y) per layer, colored by epoch.",
        r#"def info_plane(task, names):
    names = [n for n in names if n in set(layers[layers.task == task].regime)]
    if not names:
        return
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 4), squeeze=False)
    for ax, name in zip(axes[0], names):
        rows = layers[(layers.task == task) & (layers.regime == name)]
        for layer, group in rows.groupby("layer"):
            group = group.sort_values("epoch")
            ax.plot(group.i_xt_bits, group.i_ty_bits, color="0.7", lw=1)
            points = ax.scatter(group.i_xt_bits, group.i_ty_bits, c=np.log10(1 + group.epoch), cmap="viridis", s=18)
        ax.set_title(name)
        ax.set_xlabel("I(X;T) (bits)")
        ax.set_ylabel("I(T;Y) (bits)")
    fig.colorbar(points, ax=axes[0].tolist(), label="log10(1 + epoch)")
    plt.show()

info_plane("patterns", list(regimes[regimes.task == "patterns"].regime))
real = regimes[regimes.task == "real"]
strongest = [real[real.kind == k].sort_values("level").regime.iloc[-1] for k in ["none", "gauss", "vae", "binary"] if (real.kind == k).any()]
info_plane("real", strongest)"#,
    ),
    (
        "## Bits per layer\nI(X;T) over epochs under the strongest Gaussian noise, with the \
         pairwise bounds as a band.",
        r#"gauss = regimes[(regimes.task == "real") & (regimes.kind == "gauss")]
if len(gauss):
    name = gauss.sort_values("level").regime.iloc[-1]
    rows = layers[(layers.task == "real") & (layers.regime == name) & (~layers.is_output)]
    fig, ax = plt.subplots(figsize=(6, 4))
    for layer, group in rows.groupby("layer"):
        group = group.sort_values("epoch")
        ax.plot(group.epoch, group.i_xt_bits, marker="o", label=f"layer {layer}")
        ax.fill_between(group.epoch, group.i_xt_low_bits.fillna(0), group.i_xt_high_bits, alpha=0.2)
    ax.axhline(rows.log2_n_bits.iloc[0], ls="--", color="k", label="log2 N")
    ax.set_xlabel("epoch")
    ax.set_ylabel("I(X;T) (bits)")
    ax.set_title(f"Bits per layer, {name}")
    ax.legend()
    plt.show()"#,
    ),
    (
        "## Capacity against overfitting\nGap and memorized bits against bits per unit.",
        r#"fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 6), sharex=True)
for task, label in [("capacity", "real labels"), ("capacity-random", "random labels")]:
    rows = regimes[regimes.task == task].sort_values("level")
    if len(rows):
        top.plot(rows.level, rows.gap, marker="o", label=label)
        bottom.plot(rows.level, rows.memorized_bits, marker="o", label=label)
top.set_ylabel("train - test accuracy")
bottom.set_ylabel("memorized (bits)")
bottom.set_xlabel("capacity of each hidden unit (bits)")
bottom.set_xscale("log")
top.legend()
plt.show()"#,
    ),
    (
        "## Memorization\nBits per parameter against network size, per random-label fraction.",
        r#"memo = regimes[regimes.task == "memorization"]
fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 6), sharex=True)
for fraction, group in memo.groupby("label_fraction"):
    group = group.sort_values("n_params")
    top.plot(group.n_params, group.gap, marker="o", label=f"{fraction:.0%} random labels")
    bottom.plot(group.n_params, group.bits_per_parameter, marker="o")
bottom.axhline(2.0, ls="--", color="k")
top.set_ylabel("train - test accuracy")
bottom.set_ylabel("bits per parameter")
bottom.set_xlabel("parameters")
bottom.set_xscale("log")
top.legend()
plt.show()"#,
    ),
    (
        "## Gradient signal-to-noise ratio",
        r#"kinds = ["none", "batch", "grad-noise", "async", "dropout"]
names = regimes[(regimes.task == "real") & regimes.kind.isin(kinds)].regime
fig, ax = plt.subplots(figsize=(6, 4))
for name in names:
    rows = gradients[(gradients.task == "real") & (gradients.regime == name) & (gradients.epoch > 0)]
    rows = rows[np.isfinite(rows.grad_snr)].sort_values("epoch")
    ax.plot(rows.epoch, rows.grad_snr, marker="o", label=name)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("gradient signal-to-noise ratio")
ax.legend()
plt.show()"#,
    ),
    (
        "## Estimators against known truth",
        r#"if checks is not None:
    fig, ax = plt.subplots(figsize=(5, 5))
    for name, group in checks.groupby("estimator"):
        ax.scatter(group.truth_bits, group.bits, label=name, s=20)
    top = float(np.nanmax([checks.truth_bits.max(), checks.bits.max()]))
    ax.plot([0, top], [0, top], color="k", lw=1)
    ax.plot([0, top], [0, top * 1.5], color="0.6", ls="--", lw=1)
    ax.plot([0, top], [0, top / 1.5], color="0.6", ls="--", lw=1)
    ax.set_xlabel("true information (bits)")
    ax.set_ylabel("estimated information (bits)")
    ax.legend(fontsize=8)
    plt.show()"#,
    ),
    ("## Multimodal targets", r#"multimodal"#),
];

fn markdown(text: &str) -> Value {
    json!({ "cell_type": "markdown", "metadata": {}, "source": lines(text) })
}

fn code(text: &str) -> Value {
    json!({
        "cell_type": "code",
        "execution_count": null,
        "metadata": {},
        "outputs": [],
        "source": lines(text),
    })
}

/// Splits text into the line list Jupyter stores, each line but the last ending in `\n`.
fn lines(text: &str) -> Vec<String> {
    let parts: Vec<&str> = text.split('\n').collect();
    let last = parts.len() - 1;
    parts
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if i < last {
                format!("{line}\n")
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// Returns the notebook as JSON text, reading tables from `run_dir`.
pub fn render(run_dir: &str) -> String {
    let setup = format!(
        r#"from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

RUN_DIR = Path({run_dir:?})
regimes = pd.read_parquet(RUN_DIR / "regimes.parquet")
layers = pd.read_parquet(RUN_DIR / "layers.parquet")
gradients = pd.read_parquet(RUN_DIR / "gradients.parquet")
units = pd.read_parquet(RUN_DIR / "units.parquet")
multimodal = pd.read_parquet(RUN_DIR / "multimodal.parquet")
checks_path = RUN_DIR / "estimator_checks.parquet"
checks = pd.read_parquet(checks_path) if checks_path.exists() else None
print(f"{{len(regimes)}} training runs, {{len(layers)}} layer measurements")"#
    );
    let mut cells = vec![
        markdown(
            "# infocap run: tables and charts\nLoads the tables of one `infocap run` folder \
             and redraws its charts. Information is in bits.",
        ),
        code(&setup),
    ];
    for (title, source) in CELLS {
        cells.push(markdown(title));
        cells.push(code(source));
    }
    // nbformat 4.5 gives every cell an id; numbering keeps the file the same from run to run.
    for (index, cell) in cells.iter_mut().enumerate() {
        cell["id"] = json!(format!("cell-{index}"));
    }
    let notebook = json!({
        "cells": cells,
        "metadata": {
            "kernelspec": { "display_name": "Python 3", "language": "python", "name": "python3" },
            "language_info": { "name": "python" },
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    });
    serde_json::to_string_pretty(&notebook).expect("the notebook is valid JSON") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notebook_is_valid_nbformat_json() {
        let text = render(".");
        let notebook: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(notebook["nbformat"], 4);
        assert_eq!(notebook["cells"][3]["id"], "cell-3");
        let cells = notebook["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 2 + 2 * CELLS.len());
        let setup: String = cells[1]["source"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert!(setup.contains("RUN_DIR = Path(\".\")"), "{setup}");
        assert!(setup.contains("pd.read_parquet(RUN_DIR / \"layers.parquet\")"));
    }

    #[test]
    fn lines_keep_newlines_but_the_last() {
        assert_eq!(lines("a\nb"), vec!["a\n", "b"]);
        assert_eq!(lines("a"), vec!["a"]);
    }
}
