//! Rendering tests: every chart to PNG and SVG, text in the PNG, edge cases of the data, and
//! output paths.

use std::path::{Path, PathBuf};

use super::*;

struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Image {
    fn read(path: &Path) -> Image {
        let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
        let mut reader = decoder.read_info().unwrap();
        let mut rgb = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut rgb).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        rgb.truncate(info.buffer_size());
        Image {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    /// Counts the pixels in the rectangle that are darker than light gray.
    fn dark_pixels(&self, x: std::ops::Range<u32>, y: std::ops::Range<u32>) -> usize {
        let mut count = 0;
        for row in y {
            for column in x.clone() {
                let at = ((row * self.width + column) * 3) as usize;
                let pixel = &self.rgb[at..at + 3];
                if pixel.iter().all(|&c| c < 160) {
                    count += 1;
                }
            }
        }
        count
    }
}

fn layers() -> Vec<Series> {
    let epochs: [f64; 8] = [0.0, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0];
    (0..3)
        .map(|layer| {
            let ceiling = 8.0 - 2.0 * layer as f64;
            let points: Vec<(f64, f64)> = epochs
                .iter()
                .map(|&e| (e, ceiling * (1.0 - (-(e + 1.0) / 50.0).exp())))
                .collect();
            let band = points.iter().map(|&(e, b)| (e, b - 0.3, b + 0.3)).collect();
            Series::new(format!("layer {}", layer + 1), points).with_band(band)
        })
        .collect()
}

fn plane() -> InfoPlane {
    let panel = |title: &str, shift: f64| InfoPlanePanel {
        title: title.to_string(),
        layers: (0..3)
            .map(|layer| LayerPath {
                label: format!("layer {}", layer + 1),
                points: (0..20)
                    .map(|i| InfoPlanePoint {
                        epoch: f64::from(i * i),
                        i_xt_bits: 10.0 - 2.0 * layer as f64 + 0.1 * f64::from(i) - shift,
                        i_ty_bits: 0.2 + 0.04 * f64::from(i),
                    })
                    .collect(),
            })
            .collect(),
    };
    InfoPlane {
        panels: vec![panel("tanh", 0.0), panel("relu", 1.0)],
        log_epoch_color: false,
    }
}

fn capacity() -> CapacityChart {
    let xs = [0.5, 1.0, 2.0, 4.0];
    CapacityChart {
        gap: vec![Series::new(
            "dropout",
            xs.iter().map(|&x| (x, 0.1 * x)).collect(),
        )],
        memorized: vec![Series::new(
            "dropout",
            xs.iter().map(|&x| (x, 100.0 * x)).collect(),
        )],
        ..CapacityChart::default()
    }
}

fn truth() -> EstimateVsTruth {
    let truths = [0.05, 0.5, 1.0, 2.0, 4.0];
    EstimateVsTruth {
        estimators: vec![
            Series::new("ksg1", truths.iter().map(|&t| (t, 0.9 * t)).collect()),
            Series::new("gaussian", truths.iter().map(|&t| (t, 1.1 * t)).collect())
                .with_band(truths.iter().map(|&t| (t, t, 1.2 * t)).collect()),
        ],
        tolerance: Some(Tolerance::default()),
    }
}

fn snr() -> GradSnr {
    GradSnr {
        layers: (1..=2)
            .map(|layer| {
                let points = (1..=10)
                    .map(|e| (f64::from(e), 20.0 / f64::from(e * layer)))
                    .collect();
                Series::new(format!("layer {layer}"), points)
            })
            .collect(),
    }
}

/// Renders every chart kind to `dir/NAME.EXTENSION` and returns the paths with the title used.
fn render_all(dir: &Path, extension: &str) -> Vec<(PathBuf, String)> {
    let path = |name: &str| dir.join(format!("{name}.{extension}"));
    let mut written = Vec::new();

    let options = ChartOptions::bits_per_layer();
    let chart = BitsPerLayer {
        layers: layers(),
        ceilings: vec![ReferenceLine::new("log₂ N = 8 bits", 8.0)],
    };
    bits_per_layer(&chart, &options, &path("bits")).unwrap();
    written.push((path("bits"), options.title));

    let options = ChartOptions::info_plane().with_size(1280, 640);
    info_plane(&plane(), &options, &path("plane")).unwrap();
    written.push((path("plane"), options.title));

    let options = ChartOptions::capacity();
    capacity_vs_overfitting(&capacity(), &options, &path("capacity")).unwrap();
    written.push((path("capacity"), options.title));

    let options = ChartOptions::estimate_vs_truth();
    estimate_vs_truth(&truth(), &options, &path("truth")).unwrap();
    written.push((path("truth"), options.title));

    let options = ChartOptions::grad_snr();
    grad_snr(&snr(), &options, &path("snr")).unwrap();
    written.push((path("snr"), options.title));
    written
}

#[test]
fn every_chart_renders_png_of_requested_size() {
    let dir = tempfile::tempdir().unwrap();
    for (path, _) in render_all(dir.path(), "png") {
        let image = Image::read(&path);
        let expected = if path.ends_with("plane.png") {
            (1280, 640)
        } else {
            (960, 640)
        };
        assert_eq!((image.width, image.height), expected, "{}", path.display());
    }
}

#[test]
fn every_chart_renders_svg_with_title_and_labels() {
    let dir = tempfile::tempdir().unwrap();
    for (path, title) in render_all(dir.path(), "svg") {
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"), "{}", path.display());
        assert!(svg.contains(&title), "{} lacks its title", path.display());
        assert!(
            svg.contains("(bits)") || path.ends_with("snr.svg"),
            "{}",
            path.display()
        );
    }
    let svg = std::fs::read_to_string(dir.path().join("bits.svg")).unwrap();
    for text in [
        "epoch",
        "I(X;T) (bits)",
        "layer 1",
        "layer 3",
        "log₂ N = 8 bits",
    ] {
        assert!(svg.contains(text), "bits.svg lacks {text:?}");
    }
    let svg = std::fs::read_to_string(dir.path().join("plane.svg")).unwrap();
    for text in ["tanh", "relu", "I(T;Y) (bits)", "epoch"] {
        assert!(svg.contains(text), "plane.svg lacks {text:?}");
    }
}

/// plotters is built without its system-font backend, so this passes only because the font
/// compiled into the crate draws the title.
#[test]
fn png_title_is_drawn_with_embedded_font() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("title.png");
    let options = ChartOptions::new("A title", "x (bits)", "y (bits)");
    let chart = GradSnr {
        layers: vec![Series::new("a", vec![(1.0, 1.0), (2.0, 2.0)])],
    };
    grad_snr(&chart, &options, &path).unwrap();
    let image = Image::read(&path);
    let center = image.width / 2;
    let title_pixels = image.dark_pixels(center - 60..center + 60, 0..36);
    assert!(
        title_pixels > 80,
        "only {title_pixels} dark pixels in the title area"
    );
    assert_eq!(
        image.dark_pixels(0..40, 0..36),
        0,
        "the top-left corner should be blank"
    );
}

#[test]
fn unregistered_font_family_is_unavailable() {
    use plotters::style::{FontDesc, FontFamily, FontStyle};
    font::register().unwrap();
    let missing = FontDesc::new(FontFamily::Serif, 12.0, FontStyle::Normal);
    assert!(
        missing.box_size("x").is_err(),
        "a system serif font was found"
    );
    let embedded = FontDesc::new(FontFamily::Name(font::FAMILY), 12.0, FontStyle::Normal);
    let (width, _) = embedded.box_size("xx").unwrap();
    assert!(width > 5, "{width}");
}

#[test]
fn png_output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
    let chart = BitsPerLayer {
        layers: layers(),
        ceilings: Vec::new(),
    };
    bits_per_layer(&chart, &ChartOptions::bits_per_layer(), &a).unwrap();
    bits_per_layer(&chart, &ChartOptions::bits_per_layer(), &b).unwrap();
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn empty_data_is_no_data_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.png");
    let options = ChartOptions::bits_per_layer();
    let results = [
        bits_per_layer(&BitsPerLayer::default(), &options, &path),
        info_plane(&InfoPlane::default(), &options, &path),
        capacity_vs_overfitting(&CapacityChart::default(), &options, &path),
        estimate_vs_truth(&EstimateVsTruth::default(), &options, &path),
        grad_snr(&GradSnr::default(), &options, &path),
    ];
    for result in results {
        assert!(
            matches!(result, Err(PlotError::NoData { .. })),
            "{result:?}"
        );
    }
    assert!(!path.exists());
}

#[test]
fn nan_points_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nan.png");
    let series = Series::new(
        "layer",
        vec![
            (0.0, 1.0),
            (1.0, f64::NAN),
            (f64::INFINITY, 2.0),
            (2.0, 3.0),
        ],
    );
    let chart = BitsPerLayer {
        layers: vec![series],
        ceilings: Vec::new(),
    };
    let summary = bits_per_layer(&chart, &ChartOptions::bits_per_layer(), &path).unwrap();
    assert_eq!(summary.points, 2);
    assert_eq!(summary.skipped.non_finite, 2);
    assert_eq!(summary.skipped.non_positive, 0);
    assert!(path.exists());
}

#[test]
fn only_nan_points_is_no_data_with_count() {
    let dir = tempfile::tempdir().unwrap();
    let chart = GradSnr {
        layers: vec![Series::new("layer", vec![(1.0, f64::NAN), (2.0, 0.0)])],
    };
    let error = grad_snr(&chart, &ChartOptions::grad_snr(), &dir.path().join("x.png"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("1 skipped as NaN"), "{error}");
    assert!(error.contains("1 skipped as zero or negative"), "{error}");
}

#[test]
fn log_axes_skip_non_positive_values() {
    let dir = tempfile::tempdir().unwrap();
    let options = ChartOptions {
        log_x: true,
        ..ChartOptions::bits_per_layer()
    };
    let chart = BitsPerLayer {
        layers: layers(),
        ceilings: Vec::new(),
    };
    let summary = bits_per_layer(&chart, &options, &dir.path().join("log.png")).unwrap();
    // Epoch 0 of each of the three layers.
    assert_eq!(summary.skipped.non_positive, 3);
    assert_eq!(summary.points, 21);
}

#[test]
fn single_points_and_constant_values_render() {
    let dir = tempfile::tempdir().unwrap();
    let single = BitsPerLayer {
        layers: vec![Series::new("only", vec![(5.0, 2.0)])],
        ceilings: Vec::new(),
    };
    let summary = bits_per_layer(
        &single,
        &ChartOptions::bits_per_layer(),
        &dir.path().join("a.png"),
    );
    assert_eq!(summary.unwrap().points, 1);

    let constant = EstimateVsTruth {
        estimators: vec![Series::new("flat", vec![(0.0, 0.0), (0.0, 0.0)])],
        tolerance: Some(Tolerance::default()),
    };
    let options = ChartOptions::estimate_vs_truth();
    estimate_vs_truth(&constant, &options, &dir.path().join("b.svg")).unwrap();

    let mut plane = plane();
    for layer in &mut plane.panels[0].layers {
        layer.points.truncate(1);
    }
    plane.panels[1].layers.clear();
    plane.log_epoch_color = true;
    let summary = info_plane(
        &plane,
        &ChartOptions::info_plane(),
        &dir.path().join("c.png"),
    );
    assert_eq!(summary.unwrap().points, 3);
}

#[test]
fn unknown_extension_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chart.jpg");
    let result = grad_snr(&snr(), &ChartOptions::grad_snr(), &path);
    let error = result.unwrap_err();
    assert!(matches!(error, PlotError::UnknownFormat { .. }), "{error}");
    assert!(error.to_string().contains(".png or .svg"), "{error}");
    assert!(!path.exists());
}

#[test]
fn missing_folder_is_write_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/folder/chart.png");
    let error = grad_snr(&snr(), &ChartOptions::grad_snr(), &path).unwrap_err();
    assert!(matches!(error, PlotError::Write(_)), "{error}");
    assert!(error.to_string().contains("does not exist"), "{error}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn existing_file_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chart.svg");
    std::fs::write(&path, "old").unwrap();
    grad_snr(&snr(), &ChartOptions::grad_snr(), &path).unwrap();
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("<svg"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn image_size_out_of_range_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let options = ChartOptions::grad_snr().with_size(100, 640);
    let error = grad_snr(&snr(), &options, &dir.path().join("a.png")).unwrap_err();
    assert!(
        matches!(error, PlotError::InvalidOption { name: "width", .. }),
        "{error}"
    );
}

#[test]
fn long_labels_and_many_series_render() {
    let dir = tempfile::tempdir().unwrap();
    let layers: Vec<Series> = (0..40)
        .map(|i| {
            let label = format!("a layer with a rather long descriptive name number {i}");
            Series::new(label, vec![(0.0, f64::from(i)), (1.0, f64::from(i) + 1.0)])
        })
        .collect();
    let options = ChartOptions::new("t".repeat(300), "x".repeat(200), "y".repeat(200));
    let chart = BitsPerLayer {
        layers,
        ceilings: Vec::new(),
    };
    let summary = bits_per_layer(
        &chart,
        &options.with_size(240, 240),
        &dir.path().join("a.png"),
    );
    assert_eq!(summary.unwrap().points, 80);
}
