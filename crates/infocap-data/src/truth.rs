//! The ground-truth sidecar (`truth.json`) written next to every generated data set.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One exactly known (or Monte Carlo) information quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    /// The quantity in standard notation, such as `I(X;Y)` or `H(S)`.
    pub quantity: String,
    /// Value in bits.
    pub bits: f64,
    /// Value in nats.
    pub nats: f64,
    /// Standard error in bits; 0 for a closed form.
    pub stderr_bits: f64,
    /// Formula or reference the value comes from.
    pub formula: String,
}

/// What a generated data set carries: its primary quantity and any others known exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// Generator family, such as `gaussian`.
    pub family: String,
    /// The primary quantity, flattened so `truth.json` has `quantity`, `bits`, `nats`, ...
    #[serde(flatten)]
    pub primary: Quantity,
    /// Further known quantities (for hidden bits: H(S), I(S;X), I(X;Y)).
    #[serde(default)]
    pub others: Vec<Quantity>,
    /// Every generator parameter, defaults included.
    pub params: BTreeMap<String, serde_json::Value>,
    /// Seed of the random generator.
    pub seed: u64,
    /// Number of samples.
    pub n: usize,
    /// The recipe file the data came from, if any.
    #[serde(default)]
    pub recipe: Option<String>,
    /// Version of infocap-data that wrote the file.
    pub version: String,
    /// Number of classes of the `label` column, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_classes: Option<usize>,
}
