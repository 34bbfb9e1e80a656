//! District labels that do not collide. Each district's label goes at its pole of inaccessibility
//! within the visible map (the point farthest from its edges, so it sits in the widest part even of
//! a crescent or of a town cut by the frame). Labels are placed roomiest district first; one that
//! does not fit its district (on one line or two, at full or reduced size), or that would touch a
//! label already placed or the map's furniture, is left out rather than drawn over another.

use super::font;
use super::layout::PxRect;

/// A district that could carry a label.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub district: u32,
    pub text: String,
    /// Where the label would be centred, px.
    pub x: f64,
    pub y: f64,
    /// Radius of the largest circle around (x, y) inside the district and the map, px.
    pub room: f64,
}

/// A label as placed.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub district: u32,
    pub lines: Vec<String>,
    /// Type size, px.
    pub size: f64,
    /// Centre of the text block, px.
    pub x: f64,
    pub y: f64,
    /// The block's box, px: what other labels must not touch.
    pub rect: PxRect,
}

/// Line height as a multiple of the type size.
pub const LEADING: f64 = 1.15;

/// "Farouq (Old City)" → "Farouq": the qualifier in brackets is for the legend, not the map.
#[must_use]
pub fn short_name(name: &str) -> &str {
    match name
        .trim_end()
        .strip_suffix(')')
        .and_then(|s| s.rfind(" ("))
    {
        Some(i) if i > 0 => name[..i].trim_end(),
        _ => name,
    }
}

/// The pole of inaccessibility of `polygons` (rings of page points, even-odd) clipped to `bounds`:
/// `(x, y, room)`, or `None` when no part lies inside `bounds`. A grid search refined three times;
/// exact to a few percent of the district's size, which is all a label needs.
#[must_use]
pub fn pole(polygons: &[Vec<Vec<(f64, f64)>>], bounds: &PxRect) -> Option<(f64, f64, f64)> {
    let points = polygons.iter().flat_map(|p| p.first()).flatten();
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let (x0, y0) = (x0.max(bounds.x), y0.max(bounds.y));
    let (x1, y1) = (x1.min(bounds.right()), y1.min(bounds.bottom()));
    if x0 >= x1 || y0 >= y1 {
        return None;
    }
    let room = |x: f64, y: f64| {
        if !inside(polygons, x, y) {
            return -1.0;
        }
        let to_bounds = (x - bounds.x)
            .min(bounds.right() - x)
            .min(y - bounds.y)
            .min(bounds.bottom() - y);
        edge_distance(polygons, x, y).min(to_bounds)
    };
    let mut best = (0.0, 0.0, -1.0);
    let (mut cx, mut cy, mut step) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0, (x1 - x0).max(y1 - y0));
    for (n, round) in [(24, 0), (8, 1), (8, 2), (8, 3)] {
        let (half, cell) = if round == 0 {
            (
                (x1 - x0).max(y1 - y0) / 2.0,
                (x1 - x0).max(y1 - y0) / f64::from(n),
            )
        } else {
            (step, 2.0 * step / f64::from(n))
        };
        for i in 0..=n {
            for j in 0..=n {
                let x = cx - half + f64::from(i) * cell;
                let y = cy - half + f64::from(j) * cell;
                let r = room(x, y);
                if r > best.2 {
                    best = (x, y, r);
                }
            }
        }
        (cx, cy, step) = (best.0, best.1, cell);
    }
    (best.2 > 0.0).then_some(best)
}

/// Even-odd point-in-polygon over every ring.
fn inside(polygons: &[Vec<Vec<(f64, f64)>>], x: f64, y: f64) -> bool {
    let mut odd = false;
    for ring in polygons.iter().flatten() {
        for w in ring.windows(2) {
            let ((ax, ay), (bx, by)) = (w[0], w[1]);
            if (ay > y) != (by > y) && x < ax + (y - ay) / (by - ay) * (bx - ax) {
                odd = !odd;
            }
        }
    }
    odd
}

/// Distance from (x, y) to the nearest edge of any ring.
fn edge_distance(polygons: &[Vec<Vec<(f64, f64)>>], x: f64, y: f64) -> f64 {
    let mut best = f64::MAX;
    for ring in polygons.iter().flatten() {
        for w in ring.windows(2) {
            let ((ax, ay), (bx, by)) = (w[0], w[1]);
            let (dx, dy) = (bx - ax, by - ay);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (((x - ax) * dx + (y - ay) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            best = best.min((x - ax - t * dx).hypot(y - ay - t * dy));
        }
    }
    best
}

/// The text on one line, or on two split at the space that makes the longer line shortest.
fn layouts(text: &str, size: f64) -> Vec<Vec<String>> {
    let mut out = vec![vec![text.to_owned()]];
    let split = text
        .match_indices(' ')
        .map(|(i, _)| (text[..i].to_owned(), text[i + 1..].to_owned()))
        .min_by(|a, b| {
            let w = |p: &(String, String)| {
                font::text_width(&p.0, size, false).max(font::text_width(&p.1, size, false))
            };
            w(a).total_cmp(&w(b))
        });
    if let Some((a, b)) = split {
        out.push(vec![a, b]);
    }
    out
}

/// Places labels for `candidates` at type size `size` px (reduced to 80 % where that makes one
/// fit), inside `bounds`, clear of `obstacles` and of each other by `gap` px.
#[must_use]
pub fn place(
    mut candidates: Vec<Candidate>,
    size: f64,
    bounds: &PxRect,
    obstacles: &[PxRect],
    gap: f64,
) -> Vec<Placed> {
    candidates.sort_by(|a, b| b.room.total_cmp(&a.room).then(a.district.cmp(&b.district)));
    let mut placed: Vec<Placed> = Vec::new();
    for c in candidates {
        let fitting = [size, size * 0.8].into_iter().find_map(|sz| {
            layouts(&c.text, sz).into_iter().find_map(|lines| {
                let w = lines
                    .iter()
                    .map(|l| font::text_width(l, sz, false))
                    .fold(0.0, f64::max);
                let h = lines.len() as f64 * sz * LEADING;
                // The block may reach a little past the inscribed circle, not far into neighbours.
                (w <= 2.4 * c.room && h <= 1.8 * c.room).then_some((sz, lines, w, h))
            })
        });
        let Some((sz, lines, w, h)) = fitting else {
            continue;
        };
        let rect = PxRect::centred(c.x, c.y, w, h);
        let clear = bounds.contains(&rect)
            && !obstacles.iter().any(|o| o.intersects(&rect))
            && !placed.iter().any(|p| p.rect.grow(gap).intersects(&rect));
        if clear {
            placed.push(Placed {
                district: c.district,
                lines,
                size: sz,
                x: c.x,
                y: c.y,
                rect,
            });
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn square(x: f64, y: f64, side: f64) -> Vec<Vec<Vec<(f64, f64)>>> {
        vec![vec![vec![
            (x, y),
            (x + side, y),
            (x + side, y + side),
            (x, y + side),
            (x, y),
        ]]]
    }

    #[test]
    fn bracketed_qualifiers_are_left_off_labels() {
        assert_eq!(short_name("Farouq (Old City)"), "Farouq");
        assert_eq!(
            short_name("Medical City (al-Shifa hospital complex)"),
            "Medical City"
        );
        assert_eq!(short_name("Qaraqosh (Bakhdida)"), "Qaraqosh");
        assert_eq!(short_name("Sihha"), "Sihha");
        assert_eq!(short_name("(odd)"), "(odd)");
    }

    #[test]
    fn the_pole_of_a_square_is_its_centre_and_the_frame_cuts_it() {
        let big = PxRect::new(-1000.0, -1000.0, 3000.0, 3000.0);
        let (x, y, r) = pole(&square(0.0, 0.0, 100.0), &big).unwrap();
        assert_relative_eq!(x, 50.0, epsilon = 1.0);
        assert_relative_eq!(y, 50.0, epsilon = 1.0);
        assert_relative_eq!(r, 50.0, epsilon = 1.0);
        // Only the left 40 px are on the map: the label moves into what is visible.
        let (x, _, r) = pole(
            &square(0.0, 0.0, 100.0),
            &PxRect::new(-50.0, -50.0, 90.0, 300.0),
        )
        .unwrap();
        assert_relative_eq!(x, 20.0, epsilon = 1.0);
        assert_relative_eq!(r, 20.0, epsilon = 1.0);
        assert_eq!(
            pole(
                &square(0.0, 0.0, 10.0),
                &PxRect::new(50.0, 50.0, 10.0, 10.0)
            ),
            None
        );
    }

    #[test]
    fn the_pole_of_an_l_shape_lies_in_its_wide_arm_not_at_its_centroid() {
        let l = vec![vec![vec![
            (0.0, 0.0),
            (300.0, 0.0),
            (300.0, 100.0),
            (100.0, 100.0),
            (100.0, 300.0),
            (0.0, 300.0),
            (0.0, 0.0),
        ]]];
        let (x, y, r) = pole(&l, &PxRect::new(0.0, 0.0, 1000.0, 1000.0)).unwrap();
        assert!(inside(&l, x, y));
        assert!(r > 45.0, "{r}");
    }

    fn candidate(district: u32, text: &str, x: f64, y: f64, room: f64) -> Candidate {
        Candidate {
            district,
            text: text.into(),
            x,
            y,
            room,
        }
    }

    #[test]
    fn colliding_labels_keep_the_roomier_district_and_never_overlap() {
        let bounds = PxRect::new(0.0, 0.0, 1000.0, 1000.0);
        let placed = place(
            vec![
                candidate(0, "Small", 505.0, 500.0, 30.0),
                candidate(1, "Roomy", 500.0, 500.0, 80.0),
                candidate(2, "Apart", 800.0, 800.0, 40.0),
            ],
            12.0,
            &bounds,
            &[],
            2.0,
        );
        let ids: Vec<u32> = placed.iter().map(|p| p.district).collect();
        assert_eq!(ids, vec![1, 2]);
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(!a.rect.intersects(&b.rect));
            }
        }
    }

    #[test]
    fn a_long_name_wraps_or_shrinks_to_fit_and_is_dropped_when_it_cannot() {
        let bounds = PxRect::new(0.0, 0.0, 1000.0, 1000.0);
        let long = "Mosul International Airport";
        let wrapped = place(
            vec![candidate(0, long, 500.0, 500.0, 45.0)],
            12.0,
            &bounds,
            &[],
            2.0,
        );
        assert_eq!(wrapped[0].lines.len(), 2, "{wrapped:?}");
        assert!(
            place(
                vec![candidate(0, long, 500.0, 500.0, 5.0)],
                12.0,
                &bounds,
                &[],
                2.0
            )
            .is_empty()
        );
    }

    #[test]
    fn labels_avoid_obstacles_and_the_map_edge() {
        let bounds = PxRect::new(0.0, 0.0, 1000.0, 1000.0);
        let scale_bar = PxRect::new(0.0, 900.0, 300.0, 100.0);
        let placed = place(
            vec![
                candidate(0, "Under the scale bar", 100.0, 950.0, 100.0),
                candidate(1, "Edge", 2.0, 500.0, 100.0),
            ],
            12.0,
            &bounds,
            &[scale_bar],
            2.0,
        );
        assert!(placed.is_empty(), "{placed:?}");
    }
}
