//! Writing SVG text: escaping, numbers with a fixed precision (so equal inputs give equal bytes),
//! path data and text elements. Nothing here knows what a map is.

use std::fmt::Write;

use super::font;

/// Appends `v` with one decimal (0.1 px is finer than any screen or printer needs), never `-0.0`.
pub fn num(out: &mut String, v: f64) {
    let r = (v * 10.0).round() / 10.0;
    let r = if r == 0.0 { 0.0 } else { r };
    write!(out, "{r:.1}").expect("writing to a String cannot fail");
}

/// `v` as [`num`] writes it.
#[must_use]
pub fn n(v: f64) -> String {
    let mut s = String::new();
    num(&mut s, v);
    s
}

/// Text and attribute values with `& < > " '` escaped.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Characters XML 1.0 forbids (control characters) are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends path data for closed rings of page points: `M x y L … Z` per ring. Consecutive points
/// that round to the same 0.1 px are written once.
pub fn rings_path<R, P>(out: &mut String, rings: R)
where
    R: IntoIterator<Item = P>,
    P: IntoIterator<Item = (f64, f64)>,
{
    for ring in rings {
        line_path(out, ring);
        out.push('Z');
    }
}

/// Appends path data for an open line of page points: `M x y L …`.
pub fn line_path(out: &mut String, points: impl IntoIterator<Item = (f64, f64)>) {
    let mut last: Option<(i64, i64)> = None;
    for (x, y) in points {
        let key = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
        if last == Some(key) {
            continue;
        }
        out.push(if last.is_none() { 'M' } else { 'L' });
        num(out, x);
        out.push(' ');
        num(out, y);
        last = Some(key);
    }
}

/// Horizontal alignment of a text about its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// How a text element is set.
#[derive(Debug, Clone, Copy)]
pub struct Style<'a> {
    pub size: f64,
    pub bold: bool,
    pub anchor: Anchor,
    pub fill: &'a str,
    /// A stroke painted under the glyphs (colour, width px) that keeps them legible on any ground.
    pub halo: Option<(&'a str, f64)>,
}

impl<'a> Style<'a> {
    #[must_use]
    pub fn new(size: f64, fill: &'a str) -> Self {
        Self {
            size,
            bold: false,
            anchor: Anchor::Start,
            fill,
            halo: None,
        }
    }

    #[must_use]
    pub fn bold(self) -> Self {
        Self { bold: true, ..self }
    }

    #[must_use]
    pub fn anchor(self, anchor: Anchor) -> Self {
        Self { anchor, ..self }
    }

    #[must_use]
    pub fn halo(self, colour: &'a str, width: f64) -> Self {
        Self {
            halo: Some((colour, width)),
            ..self
        }
    }

    /// The text's width in px, as the shipped font sets it.
    #[must_use]
    pub fn width(&self, text: &str) -> f64 {
        font::text_width(text, self.size, self.bold)
    }
}

/// Appends a `<text>` with its baseline at `y`; `attrs` (already escaped) go into the element.
pub fn text(out: &mut String, x: f64, y: f64, style: &Style<'_>, attrs: &str, content: &str) {
    out.push_str("<text x=\"");
    num(out, x);
    out.push_str("\" y=\"");
    num(out, y);
    out.push_str("\" font-size=\"");
    num(out, style.size);
    out.push('"');
    if style.bold {
        out.push_str(" font-weight=\"bold\"");
    }
    match style.anchor {
        Anchor::Start => {}
        Anchor::Middle => out.push_str(" text-anchor=\"middle\""),
        Anchor::End => out.push_str(" text-anchor=\"end\""),
    }
    write!(out, " fill=\"{}\"", style.fill).expect("String");
    if let Some((colour, width)) = style.halo {
        write!(
            out,
            " stroke=\"{colour}\" stroke-width=\"{}\" stroke-linejoin=\"round\" paint-order=\"stroke\"",
            n(width)
        )
        .expect("String");
    }
    if !attrs.is_empty() {
        out.push(' ');
        out.push_str(attrs);
    }
    out.push('>');
    out.push_str(&escape(content));
    out.push_str("</text>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_one_decimal_and_no_negative_zero() {
        assert_eq!(n(1.26), "1.3");
        assert_eq!(n(-0.04), "0.0");
        assert_eq!(n(12.0), "12.0");
    }

    #[test]
    fn markup_characters_and_control_characters_are_escaped_or_dropped() {
        assert_eq!(
            escape("Tom & \"Jerry\" <b>'s\u{7}"),
            "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;s"
        );
    }

    #[test]
    fn ring_paths_close_and_skip_points_that_round_together() {
        let mut d = String::new();
        rings_path(
            &mut d,
            [vec![(0.0, 0.0), (0.01, 0.02), (10.0, 0.0), (10.0, 10.0)]],
        );
        assert_eq!(d, "M0.0 0.0L10.0 0.0L10.0 10.0Z");
    }

    #[test]
    fn a_text_element_carries_its_style_and_escaped_content() {
        let mut out = String::new();
        let style = Style::new(12.0, "#111")
            .bold()
            .anchor(Anchor::Middle)
            .halo("#fff", 3.0);
        text(&mut out, 5.0, 6.0, &style, "class=\"label\"", "A & B");
        assert_eq!(
            out,
            "<text x=\"5.0\" y=\"6.0\" font-size=\"12.0\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#111\" stroke=\"#fff\" stroke-width=\"3.0\" stroke-linejoin=\"round\" paint-order=\"stroke\" class=\"label\">A &amp; B</text>\n"
        );
    }
}
