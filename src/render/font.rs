//! The one typeface reports are drawn with, shipped inside the binary so that a report looks the
//! same on every machine: DejaVu Sans Condensed, regular and bold (Debian `fonts-dejavu-extra`,
//! Bitstream Vera licence with public-domain DejaVu changes: `assets/fonts/LICENSE-DejaVu.txt`).
//! No system font is ever loaded. Its condensed width fits long district names into small cells,
//! and it covers Latin with diacritics, which is all the labels use (names of Arabic origin are
//! given in Latin script; see the test below).

use std::sync::{Arc, LazyLock};

const REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansCondensed.ttf");
const BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansCondensed-Bold.ttf");

/// The `font-family` written into the SVG. Viewers without the font fall back to a sans-serif.
pub const FAMILY: &str = "DejaVu Sans Condensed, DejaVu Sans, sans-serif";

/// The font database usvg shapes text with: the two shipped faces and nothing else.
pub static FONTS: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| {
    let mut db = fontdb::Database::new();
    for face in [REGULAR, BOLD] {
        db.load_font_source(fontdb::Source::Binary(Arc::new(face)));
    }
    db.set_sans_serif_family("DejaVu Sans");
    Arc::new(db)
});

/// Advance widths of the shipped faces, for layout before any SVG exists.
struct Metrics {
    units_per_em: f64,
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let regular = ttf_parser::Face::parse(REGULAR, 0).expect("the shipped font parses");
    let bold = ttf_parser::Face::parse(BOLD, 0).expect("the shipped font parses");
    Metrics {
        units_per_em: f64::from(regular.units_per_em()),
        regular,
        bold,
    }
});

/// Width in px of `text` set at `size` px: the sum of the glyphs' advances. Kerning is ignored,
/// so this errs on the wide side by a few percent, which is the safe side for collision tests.
#[must_use]
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let m = &*METRICS;
    let face = if bold { &m.bold } else { &m.regular };
    let units: f64 = text
        .chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(0.6 * m.units_per_em, f64::from)
        })
        .sum();
    units / m.units_per_em * size
}

/// Whether the shipped regular face has a glyph for every character of `text`.
#[must_use]
pub fn covers(text: &str) -> bool {
    let face = &METRICS.regular;
    text.chars()
        .all(|c| c.is_whitespace() || face.glyph_index(c).is_some())
}

/// `text` cut to fit `max_width` px, with an ellipsis when something was cut.
#[must_use]
pub fn truncate(text: &str, size: f64, bold: bool, max_width: f64) -> String {
    if text_width(text, size, bold) <= max_width {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if text_width(&out, size, bold) + text_width("…", size, bold) > max_width {
            out.pop();
            break;
        }
    }
    format!("{}…", out.trim_end())
}

/// Greedy word wrap into lines no wider than `max_width` px; a word wider than a line is cut.
/// At most `max_lines` lines; the last one ends with an ellipsis when text was left over.
#[must_use]
pub fn wrap(text: &str, size: f64, bold: bool, max_width: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size, bold) <= max_width || line.is_empty() {
            line = candidate;
            continue;
        }
        lines.push(std::mem::take(&mut line));
        line = word.to_owned();
        if lines.len() == max_lines {
            let rest: Vec<&str> = std::iter::once(word).chain(words.by_ref()).collect();
            let last = lines.pop().unwrap_or_default();
            lines.push(truncate(
                &format!("{last} {}", rest.join(" ")),
                size,
                bold,
                max_width,
            ));
            return lines;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    let cut: Vec<String> = lines
        .into_iter()
        .map(|l| truncate(&l, size, bold, max_width))
        .collect();
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_holds_the_two_shipped_faces_and_no_system_font() {
        assert_eq!(FONTS.len(), 2);
        let families: Vec<String> = FONTS
            .faces()
            .flat_map(|f| f.families.iter().map(|(name, _)| name.clone()))
            .collect();
        assert!(families.iter().any(|f| f == "DejaVu Sans"), "{families:?}");
    }

    #[test]
    fn wider_text_measures_wider_and_bold_is_wider_than_regular() {
        let narrow = text_width("Sihha", 12.0, false);
        assert!(narrow > 20.0 && narrow < 40.0, "{narrow}");
        assert!(text_width("Sihha and Zanjili", 12.0, false) > narrow);
        assert!(text_width("Sihha", 12.0, true) > narrow);
        assert!((text_width("Sihha", 24.0, false) - 2.0 * narrow).abs() < 1e-9);
    }

    #[test]
    fn truncation_and_wrapping_keep_within_the_width() {
        let long = "Timeline of the Battle of Mosul (2016–17): Phase One, as reported";
        let cut = truncate(long, 12.0, false, 120.0);
        assert!(
            cut.ends_with('…') && text_width(&cut, 12.0, false) <= 120.0,
            "{cut}"
        );
        let lines = wrap(long, 12.0, false, 150.0, 2);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| text_width(l, 12.0, false) <= 150.0));
        assert!(lines[1].ends_with('…'));
        assert_eq!(wrap("Sihha", 12.0, false, 150.0, 2), vec!["Sihha"]);
    }

    #[test]
    fn latin_with_diacritics_and_typography_is_covered_but_arabic_script_is_not_needed() {
        assert!(covers("Ma'amil Zira'i Qlei'at Sha'areen – “Mosul” ² · é ā"));
    }
}
