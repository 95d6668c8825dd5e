//! Charts of information measurements, drawn with plotters to PNG and SVG.
