//! The front line through time: each boundary is front while its two districts are held by
//! hostile sides (see [`Index::hostile`]). One [`FrontPiece`] per border and maximal interval over which the pair of
//! sides stays the same, so the pieces valid at an instant are exactly [`Index::frontline`] there.

use super::index::{Index, Side};
use super::time::{Instant, Interval};

/// Border `border` (an index into [`Index::borders`]) was front over `interval`, with district
/// `a` held by `side_a` and `b` by `side_b` throughout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontPiece {
    pub border: u32,
    pub side_a: Side,
    pub side_b: Side,
    pub interval: Interval,
}

impl FrontPiece {
    /// A stable identifier: the two district ids and the start, e.g. `sihha~zanjili@2017-02-08`.
    #[must_use]
    pub fn id(&self, index: &Index) -> String {
        let border = &index.borders()[self.border as usize];
        format!(
            "{}~{}@{}",
            index.districts[border.a as usize].district.id,
            index.districts[border.b as usize].district.id,
            self.interval.from
        )
    }
}

/// The position in [`Index::fronts`] of the piece a [`FrontPiece::id`] names, if any.
///
/// # Runtime
/// O(log b + log p): borders are ordered by district pair, pieces by border then start.
#[must_use]
pub fn find(index: &Index, id: &str) -> Option<usize> {
    let (pair, from) = id.rsplit_once('@')?;
    let (a, b) = pair.split_once('~')?;
    let from: Instant = from.parse().ok()?;
    let (a, b) = (index.district_index(a)?, index.district_index(b)?);
    let border = index
        .borders()
        .binary_search_by_key(&(a, b), |x| (x.a, x.b))
        .ok()? as u32;
    let fronts = index.fronts();
    let at = fronts.partition_point(|p| (p.border, p.interval.from) < (border, from));
    fronts
        .get(at)
        .filter(|p| p.border == border && p.interval.from == from)
        .map(|_| at)
}

/// Every front piece, ordered by border then start.
///
/// # Runtime
/// O(b + s) for b borders and the s states of the districts on them: a merge of two sorted
/// histories per border.
#[must_use]
pub fn front_history(index: &Index) -> Vec<FrontPiece> {
    let mut pieces = Vec::new();
    for (i, border) in index.borders().iter().enumerate() {
        let (ha, hb) = (index.history(border.a), index.history(border.b));
        let (mut x, mut y) = (0, 0);
        while x < ha.len() && y < hb.len() {
            let (sa, sb) = (&ha[x], &hb[y]);
            let from = sa.interval.from.max(sb.interval.from);
            let to = min_end(sa.interval.to, sb.interval.to);
            if to.is_none_or(|to| from < to) {
                let (side_a, side_b) = (sa.side(), sb.side());
                if index.hostile(&side_a, &side_b) {
                    push_merged(
                        &mut pieces,
                        FrontPiece {
                            border: i as u32,
                            side_a,
                            side_b,
                            interval: Interval { from, to },
                        },
                    );
                }
            }
            // Advance whichever state ends first; an open end never ends.
            match (sa.interval.to, sb.interval.to) {
                (Some(ta), Some(tb)) if ta <= tb => x += 1,
                (Some(_), None) => x += 1,
                _ => y += 1,
            }
        }
    }
    pieces
}

fn min_end(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Appends `piece`, or extends the last piece when it is the same front continuing without a gap
/// (a new state of the same side on either bank is not a change of front).
fn push_merged(pieces: &mut Vec<FrontPiece>, piece: FrontPiece) {
    if let Some(last) = pieces.last_mut()
        && last.border == piece.border
        && last.side_a == piece.side_a
        && last.side_b == piece.side_b
        && last.interval.to == Some(piece.interval.from)
    {
        last.interval.to = piece.interval.to;
        return;
    }
    pieces.push(piece);
}
