//! From the report's SVG to PNG (resvg) and PDF (svg2pdf), in process. Both read the SVG through
//! usvg with the shipped fonts only, so text is shaped the same way in every format.

use super::{RenderError, font};

/// Parses the SVG as both converters see it: text shaped with the shipped font.
fn tree(svg: &str) -> Result<usvg::Tree, RenderError> {
    let options = usvg::Options {
        fontdb: font::FONTS.clone(),
        font_family: "DejaVu Sans".to_owned(),
        ..usvg::Options::default()
    };
    Ok(usvg::Tree::from_str(svg, &options)?)
}

/// Rasterises the SVG at its own size (1 SVG px = 1 image pixel) on white.
///
/// # Errors
/// When the SVG does not parse or the image cannot be allocated or encoded.
pub fn to_png(svg: &str) -> Result<Vec<u8>, RenderError> {
    let tree = tree(svg)?;
    let size = tree.size().to_int_size();
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
            RenderError::Png(format!(
                "cannot allocate {}×{} px",
                size.width(),
                size.height()
            ))
        })?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::identity(),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Png(e.to_string()))
}

/// Converts the SVG to a one-page PDF with selectable text, the page as large as the SVG at
/// `dpi` px to the inch: at 96 (the CSS pixel) a 1600 × 1200 px report is a 16.7 × 12.5 in page,
/// and an A4 page drawn at 150 dpi (1754 × 1240 px) is 297 × 210 mm.
///
/// # Errors
/// When the SVG does not parse or the conversion fails.
pub fn to_pdf(svg: &str, dpi: u32) -> Result<Vec<u8>, RenderError> {
    let tree = tree(svg)?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions { dpi: dpi as f32 },
    )
    .map_err(|e| RenderError::Pdf(e.to_string()))
}
