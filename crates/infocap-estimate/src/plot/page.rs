//! The layout all charts share: the title on top, the plot region below it on the left, and a
//! legend column on the right that is as wide as its longest label (at most 2/5 of the image).

use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Axis, Skipped};
use super::draw::{Chart, build_chart, draw_title};
use super::legend::{LegendEntry, draw_legend, legend_width};
use super::prepare::skipped_note;
use super::style::Theme;
use super::{ChartOptions, PlotError};

/// The contents of the legend column: an optional heading, the entries and a note on points left
/// out of the chart.
pub(crate) struct Legend {
    pub(crate) heading: Option<&'static str>,
    pub(crate) entries: Vec<LegendEntry>,
    note: Option<String>,
    /// Further text the column must fit, such as color-bar tick labels.
    extra_labels: Vec<String>,
}

impl Legend {
    pub(crate) fn new(entries: Vec<LegendEntry>, skipped: &Skipped) -> Self {
        Legend {
            heading: None,
            entries,
            note: skipped_note(skipped),
            extra_labels: Vec::new(),
        }
    }

    /// Sets a heading and further labels the column must be wide enough for.
    pub(crate) fn with_heading(mut self, heading: &'static str, extra_labels: &[&str]) -> Self {
        self.heading = Some(heading);
        self.extra_labels = extra_labels.iter().map(|l| l.to_string()).collect();
        self
    }

    fn labels(&self) -> impl Iterator<Item = String> + '_ {
        self.entries
            .iter()
            .map(|e| e.label.clone())
            .chain(self.heading.map(str::to_string))
            .chain(self.note.clone())
            .chain(self.extra_labels.iter().cloned())
    }
}

/// A chart page with its title drawn and its areas measured.
pub(crate) struct Page<DB: DrawingBackend> {
    pub(crate) theme: Theme,
    /// The region for the plot or panels.
    pub(crate) plot: DrawingArea<DB, Shift>,
    /// The legend column.
    pub(crate) legend_area: DrawingArea<DB, Shift>,
    legend: Legend,
}

impl<DB: DrawingBackend> Page<DB> {
    /// Clears `root`, draws `title`, and splits the rest into the plot and a legend column
    /// wide enough for `legend`.
    pub(crate) fn new(
        root: &DrawingArea<DB, Shift>,
        theme: Theme,
        title: &str,
        legend: Legend,
    ) -> Result<Self, PlotError> {
        let body = draw_title(root, &theme, title)?;
        let (width, _) = body.dim_in_pixel();
        let column = legend_width(&body, &theme, legend.labels(), width * 2 / 5)?;
        let (plot, legend_area) = body.split_horizontally(width.saturating_sub(column) as i32);
        Ok(Page {
            theme,
            plot,
            legend_area,
            legend,
        })
    }

    /// Builds the axes of a single plot, titled from `options`.
    pub(crate) fn chart(
        &self,
        x: Axis,
        y: Axis,
        options: &ChartOptions,
    ) -> Result<Chart<'_, DB>, PlotError> {
        build_chart(
            &self.plot,
            &self.theme,
            x,
            y,
            &options.x_label,
            &options.y_label,
        )
    }

    /// Draws the legend entries and the note, and returns the pixel row below them.
    pub(crate) fn draw_legend(&self) -> Result<i32, PlotError> {
        let theme = &self.theme;
        let legend = &self.legend;
        let top = theme.px(10.0);
        let mut bottom = draw_legend(
            &self.legend_area,
            theme,
            legend.heading,
            &legend.entries,
            top,
        )?;
        if let Some(note) = &legend.note {
            let style = theme.note_style().pos(Pos::new(HPos::Left, VPos::Top));
            bottom += theme.px(8.0);
            self.legend_area
                .draw_text(note, &style, (theme.px(10.0), bottom))?;
            bottom += theme.px(20.0);
        }
        Ok(bottom)
    }
}
