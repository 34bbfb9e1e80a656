//! The sheet: where the title, the map, the legend panel and the footer go, and how big type and
//! strokes are, for any page size. Landscape pages get the panel as a column on the right (the
//! legend never covers the map); portrait pages get it below the map, in two columns.

/// A rectangle on the page, px, y down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PxRect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl PxRect {
    #[must_use]
    pub fn new(x: f64, y: f64, w: f64, h: f64) -> Self {
        Self { x, y, w, h }
    }

    /// The rectangle of width `w` and height `h` centred on (cx, cy).
    #[must_use]
    pub fn centred(cx: f64, cy: f64, w: f64, h: f64) -> Self {
        Self::new(cx - w / 2.0, cy - h / 2.0, w, h)
    }

    #[must_use]
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    #[must_use]
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    /// Whether the two share any area (touching edges do not count).
    #[must_use]
    pub fn intersects(&self, other: &PxRect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }

    #[must_use]
    pub fn contains(&self, other: &PxRect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }

    /// Grown by `d` px on every side (shrunk for a negative `d`).
    #[must_use]
    pub fn grow(&self, d: f64) -> PxRect {
        Self::new(self.x - d, self.y - d, self.w + 2.0 * d, self.h + 2.0 * d)
    }
}

/// Where everything goes on a page of `width` × `height` px.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: f64,
    pub height: f64,
    /// The factor type sizes, strokes and gaps are multiplied by: 1 on a page of about
    /// 1300 × 1300 px, so every part keeps its proportions at any size.
    pub s: f64,
    pub margin: f64,
    pub header: PxRect,
    pub map: PxRect,
    /// The panel's columns, filled in order: legend, changes, sources.
    pub columns: Vec<PxRect>,
    pub footer: PxRect,
}

/// Title size, px at `s = 1`; the date line and everything else are smaller.
pub const TITLE_PX: f64 = 28.0;
pub const SUBTITLE_PX: f64 = 17.0;
pub const FOOTER_PX: f64 = 11.0;
/// Lines in the footer: status, how it was made, and two of credits.
pub const FOOTER_LINES: usize = 4;

impl Page {
    #[must_use]
    pub fn new(width: u32, height: u32) -> Self {
        Self::with_standfirst(width, height, false)
    }

    /// The layout of a page whose header has (or not) a standfirst line under the date.
    #[must_use]
    pub fn with_standfirst(width: u32, height: u32, standfirst: bool) -> Self {
        let (w, h) = (f64::from(width), f64::from(height));
        let s = ((w * h).sqrt() / 1300.0).clamp(0.7, 3.0);
        let margin = 18.0 * s;
        let header_h = (TITLE_PX + SUBTITLE_PX + 26.0) * s
            + if standfirst {
                (SUBTITLE_PX + 8.0) * s
            } else {
                0.0
            };
        let footer_h = FOOTER_PX * FOOTER_LINES as f64 * 1.35 * s + 6.0 * s;
        let header = PxRect::new(margin, margin, w - 2.0 * margin, header_h);
        let footer = PxRect::new(margin, h - margin - footer_h, w - 2.0 * margin, footer_h);
        let body_top = header.bottom();
        let body_h = footer.y - 8.0 * s - body_top;
        let (map, columns) = if w >= 1.15 * h {
            let panel_w = (340.0 * s).min(0.42 * w);
            let map_w = w - 3.0 * margin - panel_w;
            (
                PxRect::new(margin, body_top, map_w, body_h),
                vec![PxRect::new(margin * 2.0 + map_w, body_top, panel_w, body_h)],
            )
        } else {
            let panel_h = (330.0 * s).min(0.38 * h);
            let map_h = body_h - panel_h - margin;
            let col_w = (w - 3.0 * margin) / 2.0;
            let top = body_top + map_h + margin;
            (
                PxRect::new(margin, body_top, w - 2.0 * margin, map_h),
                vec![
                    PxRect::new(margin, top, col_w, panel_h),
                    PxRect::new(2.0 * margin + col_w, top, col_w, panel_h),
                ],
            )
        };
        Self {
            width: w,
            height: h,
            s,
            margin,
            header,
            map,
            columns,
            footer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn disjoint(rects: &[PxRect]) -> bool {
        rects
            .iter()
            .enumerate()
            .all(|(i, a)| rects[i + 1..].iter().all(|b| !a.intersects(b)))
    }

    #[test]
    fn landscape_pages_put_the_panel_right_of_the_map_and_nothing_overlaps() {
        let p = Page::new(2000, 1400);
        assert_eq!(p.columns.len(), 1);
        assert!(p.columns[0].x > p.map.right());
        let mut all = vec![p.header, p.map, p.footer];
        all.extend(&p.columns);
        assert!(disjoint(&all));
        let sheet = PxRect::new(0.0, 0.0, 2000.0, 1400.0);
        assert!(all.iter().all(|r| sheet.contains(r)));
        assert!(p.map.w > 0.6 * 2000.0, "the map gets most of the sheet");
    }

    #[test]
    fn portrait_pages_put_two_panel_columns_below_the_map() {
        let p = Page::new(1200, 1600);
        assert_eq!(p.columns.len(), 2);
        assert!(p.columns.iter().all(|c| c.y > p.map.bottom()));
        let mut all = vec![p.header, p.map, p.footer];
        all.extend(&p.columns);
        assert!(disjoint(&all));
    }

    #[test]
    fn rectangles_overlap_only_when_they_share_area() {
        let a = PxRect::new(0.0, 0.0, 10.0, 10.0);
        assert!(a.intersects(&PxRect::new(5.0, 5.0, 10.0, 10.0)));
        assert!(!a.intersects(&PxRect::new(10.0, 0.0, 10.0, 10.0)));
        assert!(a.grow(1.0).contains(&a) && !a.contains(&a.grow(1.0)));
        assert_eq!(PxRect::centred(5.0, 5.0, 10.0, 10.0), a);
    }
}
