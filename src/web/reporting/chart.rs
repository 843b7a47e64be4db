//! The bar chart of a statistics table, as inline SVG drawn on the server: horizontal bars
//! (a long list of labels fits a 360-pixel phone this way), each with its label above it
//! and its number after it. With several dimensions the bars are grouped under the first
//! dimension's value. A suppressed number is a hatched, outlined stub labelled "<k".
//!
//! The geometry ([`layout`]) is pure and tested; [`render`] only draws it. No inline style:
//! colours are presentation attributes (so the chart also prints without the stylesheet)
//! plus classes. The drawing scales with its `viewBox` to the width of the page.

use maud::{Markup, html};

/// The chart's own width, in `viewBox` units (the chart is drawn at 100% of its box).
pub const WIDTH: u32 = 360;
/// At most this many bars; the table below the chart has every row.
pub const MAX_BARS: usize = 60;
/// Where bars start.
const LEFT: f64 = 4.0;
/// The longest bar (leaves room for its number after it).
const PLOT_WIDTH: f64 = 296.0;
/// The width of a suppressed bar's stub.
pub const STUB_WIDTH: f64 = 14.0;
const LABEL_LINE: u32 = 16;
const BAR_HEIGHT: u32 = 16;
const ROW_GAP: u32 = 8;
const GROUP_LINE: u32 = 24;
const TOP: u32 = 4;
/// Labels longer than this many characters are shortened with "…".
const MAX_LABEL_CHARS: usize = 48;

const BAR_FILL: &str = "#0b5394";
const STUB_STROKE: &str = "#8a4b00";
const TEXT_FILL: &str = "#1a1a1a";

/// One bar to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The first dimension's value when the table has several dimensions.
    pub group: Option<String>,
    pub label: String,
    /// The published number; `None` when suppressed.
    pub value: Option<u64>,
}

/// One thing drawn, at its height `y` (the top of its line).
#[derive(Clone, Debug, PartialEq)]
pub enum Mark {
    /// A group's heading.
    Group { y: u32, label: String },
    /// A bar with its label line above it.
    Bar {
        y: u32,
        label: String,
        /// The bar's length: proportional to its value (a stub when suppressed).
        width: f64,
        /// The number written after the bar (`<k` when suppressed).
        text: String,
        suppressed: bool,
    },
}

/// Everything the chart draws, and its height.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub marks: Vec<Mark>,
    pub height: u32,
    /// Whether there were more than [`MAX_BARS`] bars (the rest are in the table only).
    pub truncated: bool,
}

/// Where everything goes. `k` is the suppression threshold a stub's label names.
pub fn layout(bars: &[Bar], k: u32) -> Layout {
    let shown = bars.get(..MAX_BARS).unwrap_or(bars);
    let largest = shown
        .iter()
        .filter_map(|bar| bar.value)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut marks = Vec::new();
    let mut y = TOP;
    let mut group: Option<&str> = None;
    for bar in shown {
        if let Some(this) = bar.group.as_deref() {
            if group != Some(this) {
                marks.push(Mark::Group {
                    y,
                    label: shorten(this),
                });
                y += GROUP_LINE;
                group = Some(this);
            }
        }
        let (width, text) = match bar.value {
            Some(value) => (
                value as f64 / largest as f64 * PLOT_WIDTH,
                value.to_string(),
            ),
            None => (STUB_WIDTH, format!("<{k}")),
        };
        marks.push(Mark::Bar {
            y,
            label: shorten(&bar.label),
            width,
            text,
            suppressed: bar.value.is_none(),
        });
        y += LABEL_LINE + BAR_HEIGHT + ROW_GAP;
    }
    Layout {
        marks,
        height: y + TOP,
        truncated: bars.len() > MAX_BARS,
    }
}

fn shorten(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        return label.to_owned();
    }
    let mut short: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
    short.push('…');
    short
}

/// The chart as SVG, with `id`, described by `title` (its accessible name).
pub fn render(id: &str, title: &str, layout: &Layout) -> Markup {
    let hatch = format!("{id}-hatch");
    let hatch_fill = format!("url(#{hatch})");
    let view_box = format!("0 0 {WIDTH} {}", layout.height);
    html! {
        svg id=(id) class="chart" role="img" aria-label=(title) viewBox=(view_box)
            width="100%" preserveAspectRatio="xMinYMin meet" {
            title { (title) }
            defs {
                pattern id=(hatch) width="6" height="6" patternUnits="userSpaceOnUse"
                    patternTransform="rotate(45)" {
                    rect width="6" height="6" fill="#ffffff" {}
                    line x1="0" y1="0" x2="0" y2="6" stroke=(STUB_STROKE) stroke-width="3" {}
                }
            }
            @for mark in &layout.marks {
                @match mark {
                    Mark::Group { y, label } => {
                        text.chart-group x=(LEFT) y=(y + 16) font-size="14" font-weight="700"
                            fill=(TEXT_FILL) { (label) }
                    }
                    Mark::Bar { y, label, width, text, suppressed } => {
                        @let bar_top = y + LABEL_LINE;
                        text.chart-label x=(LEFT) y=(y + 12) font-size="12" fill=(TEXT_FILL) {
                            (label)
                        }
                        @if *suppressed {
                            rect.chart-bar.suppressed x=(LEFT) y=(bar_top) width=(number(*width))
                                height=(BAR_HEIGHT) fill=(hatch_fill) stroke=(STUB_STROKE)
                                stroke-width="1.5" {}
                        } @else {
                            rect.chart-bar x=(LEFT) y=(bar_top) width=(number(*width))
                                height=(BAR_HEIGHT) fill=(BAR_FILL) {}
                        }
                        text.chart-value x=(number(LEFT + width + 4.0)) y=(bar_top + 12)
                            font-size="12" fill=(TEXT_FILL) { (text) }
                    }
                }
            }
        }
    }
}

/// A length with at most two decimals, as SVG attributes take it.
fn number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    format!("{rounded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: Option<u64>) -> Bar {
        Bar {
            group: None,
            label: label.to_owned(),
            value,
        }
    }

    fn bars_of(layout: &Layout) -> Vec<(f64, String, bool)> {
        layout
            .marks
            .iter()
            .filter_map(|mark| match mark {
                Mark::Bar {
                    width,
                    text,
                    suppressed,
                    ..
                } => Some((*width, text.clone(), *suppressed)),
                Mark::Group { .. } => None,
            })
            .collect()
    }

    #[test]
    fn bar_lengths_are_proportional_to_the_numbers() {
        let layout = layout(
            &[bar("a", Some(10)), bar("b", Some(20)), bar("c", Some(5))],
            5,
        );
        let bars = bars_of(&layout);
        assert_eq!(bars.len(), 3);
        assert!((bars[1].0 - PLOT_WIDTH).abs() < 1e-9, "the largest is full");
        assert!((bars[0].0 * 2.0 - bars[1].0).abs() < 1e-9);
        assert!((bars[2].0 * 4.0 - bars[1].0).abs() < 1e-9);
        assert_eq!(bars[0].1, "10");
        // Every bar and its number fit the width.
        assert!(LEFT + PLOT_WIDTH + 4.0 + 40.0 <= f64::from(WIDTH));
    }

    #[test]
    fn suppressed_numbers_are_stubs_marked_with_k() {
        let layout = layout(&[bar("a", Some(12)), bar("b", None)], 5);
        let bars = bars_of(&layout);
        assert_eq!(bars[1], (STUB_WIDTH, "<5".to_owned(), true));
        assert!(!bars[0].2);
        let svg = render("chart", "Title", &layout).into_string();
        assert!(svg.contains(r#"class="chart-bar suppressed""#), "{svg}");
        assert!(svg.contains("fill=\"url(#chart-hatch)\""), "{svg}");
        assert!(svg.contains("&lt;5"), "the stub is labelled: {svg}");
    }

    #[test]
    fn a_table_of_suppressed_cells_only_still_draws() {
        let layout = layout(&[bar("a", None), bar("b", None)], 3);
        assert!(
            bars_of(&layout)
                .iter()
                .all(|bar| bar.0 == STUB_WIDTH && bar.2)
        );
        assert!(layout.height > 0);
    }

    #[test]
    fn rows_stack_downwards_and_the_height_holds_them_all() {
        let layout = layout(&[bar("a", Some(1)), bar("b", Some(2))], 5);
        let ys: Vec<u32> = layout
            .marks
            .iter()
            .map(|mark| match mark {
                Mark::Bar { y, .. } | Mark::Group { y, .. } => *y,
            })
            .collect();
        assert!(ys[0] < ys[1]);
        assert!(ys[1] + LABEL_LINE + BAR_HEIGHT <= layout.height);
    }

    #[test]
    fn several_dimensions_are_grouped_by_the_first() {
        let grouped = |group: &str, label: &str, value| Bar {
            group: Some(group.to_owned()),
            label: label.to_owned(),
            value,
        };
        let layout = layout(
            &[
                grouped("Physical", "Female", Some(9)),
                grouped("Physical", "Male", None),
                grouped("Economic", "Female", Some(6)),
            ],
            5,
        );
        let groups: Vec<&str> = layout
            .marks
            .iter()
            .filter_map(|mark| match mark {
                Mark::Group { label, .. } => Some(label.as_str()),
                Mark::Bar { .. } => None,
            })
            .collect();
        assert_eq!(groups, ["Physical", "Economic"]);
        assert_eq!(layout.marks.len(), 5);
    }

    #[test]
    fn labels_are_escaped_and_shortened() {
        let long = "x".repeat(80);
        let layout = layout(
            &[
                bar("<script>alert(1)</script>", Some(7)),
                bar(&long, Some(7)),
            ],
            5,
        );
        let svg = render("chart", "<b>title</b>", &layout).into_string();
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(svg.contains("&lt;b&gt;title&lt;/b&gt;"));
        assert!(!svg.contains(&long));
        assert!(svg.contains('…'));
    }

    #[test]
    fn the_drawing_is_accessible_and_scales() {
        let svg = render(
            "stats-chart",
            "Cases",
            &layout(&[bar("a", Some(3)), bar("b", None)], 5),
        )
        .into_string();
        assert!(svg.starts_with(r#"<svg id="stats-chart" class="chart" role="img" aria-label="Cases" viewBox="0 0 360 "#), "{svg}");
        assert!(svg.contains(r#"width="100%""#));
        assert!(svg.contains("<title>Cases</title>"));
        assert!(!svg.contains("style="));
        // In HTML, SVG elements are not void: each shape is closed, or what follows it
        // would be drawn inside it (that is, not at all).
        for shape in ["rect", "line"] {
            assert_eq!(
                svg.matches(&format!("<{shape} ")).count(),
                svg.matches(&format!("</{shape}>")).count(),
                "{shape}: {svg}"
            );
        }
    }

    /// The cut at [`MAX_BARS`] is by position in the grid, never by value: whatever the
    /// numbers (the large ones all after the cut, suppressed ones anywhere), the chart draws
    /// the first 60 rows in the table's order, each suppressed one as the same stub.
    #[test]
    fn the_cut_keeps_the_grid_order_whatever_the_values() {
        let many: Vec<Bar> = (0..MAX_BARS + 40)
            .map(|n| {
                let value = match n % 3 {
                    0 => None,
                    _ if n >= MAX_BARS => Some(1000 + n as u64),
                    _ => Some(n as u64 + 5),
                };
                bar(&format!("row {n}"), value)
            })
            .collect();
        let drawn = layout(&many, 5);
        let labels: Vec<String> = drawn
            .marks
            .iter()
            .filter_map(|mark| match mark {
                Mark::Bar { label, .. } => Some(label.clone()),
                Mark::Group { .. } => None,
            })
            .collect();
        let first: Vec<String> = (0..MAX_BARS).map(|n| format!("row {n}")).collect();
        assert_eq!(labels, first);
        let stubs: Vec<(f64, String, bool)> =
            bars_of(&drawn).into_iter().filter(|bar| bar.2).collect();
        assert_eq!(stubs.len(), MAX_BARS / 3);
        assert!(
            stubs
                .iter()
                .all(|stub| *stub == (STUB_WIDTH, "<5".to_owned(), true))
        );
    }

    #[test]
    fn long_tables_are_cut_for_the_chart_only() {
        let many: Vec<Bar> = (0..MAX_BARS + 5)
            .map(|n| bar(&n.to_string(), Some(n as u64)))
            .collect();
        let layout = layout(&many, 5);
        assert!(layout.truncated);
        assert_eq!(bars_of(&layout).len(), MAX_BARS);
    }
}
