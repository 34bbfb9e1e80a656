//! From `timeline.csv` to control states.
//!
//! Each district gets up to three states: `isil` from [`DATA_START`] (IS had held Mosul and the
//! towns around it since June 2014, Tabqa and Raqqa since 2014), `contested` between the taker and
//! `isil` for the days of fighting the reports describe (only when they describe them), then the
//! taker with an open end.

use anyhow::{Context, Result, bail};
use frontline::dataset::{Confidence, ControlState, Instant, Status};

use crate::raw::{DistrictRow, TimelineRow};

/// The data start, two weeks before the offensive of 17 October 2016.
pub const DATA_START: &str = "2016-10-01";

/// The control states of `district`, in time order.
///
/// # Errors
/// A missing timeline row, an unparsable date or keyword, or dates out of order.
pub fn states(district: &DistrictRow, timeline: &[TimelineRow]) -> Result<Vec<ControlState>> {
    let id = &district.id;
    let row = timeline
        .iter()
        .find(|t| &t.district == id)
        .with_context(|| format!("{id} has no row in timeline.csv"))?;
    let start: Instant = parse(DATA_START)?;
    let taken: Instant = parse(&row.taken).with_context(|| format!("{id}: taken"))?;
    let contested_from = if row.contested_from.is_empty() {
        None
    } else {
        Some(parse(&row.contested_from).with_context(|| format!("{id}: contested_from"))?)
    };
    let isil_until = contested_from.unwrap_or(taken);
    if !(start < isil_until && contested_from.is_none_or(|c| c < taken)) {
        bail!(
            "{id}: dates out of order ({DATA_START}, {}, {})",
            row.contested_from,
            row.taken
        );
    }
    let sources: Vec<String> = row.sources.split(';').map(str::to_owned).collect();
    let syria = district.group == "Syria";
    let (before_source, before_note) = if syria {
        (
            sources[0].clone(),
            "Held by the Islamic State since 2014; the data start on 2016-10-01.".to_owned(),
        )
    } else {
        (
            "wikipedia-mosul-phase-one".to_owned(),
            "Held by the Islamic State since June 2014; the data start on 2016-10-01, before the offensive of 17 Oct 2016."
                .to_owned(),
        )
    };
    let mut out = vec![ControlState {
        district: id.clone(),
        status: Status::Held,
        factions: vec!["isil".into()],
        valid_from: start,
        valid_to: Some(isil_until),
        confidence: if syria {
            Confidence::Reported
        } else {
            Confidence::Confirmed
        },
        sources: vec![before_source],
        note: before_note,
    }];
    if let Some(from) = contested_from {
        out.push(ControlState {
            district: id.clone(),
            status: Status::Contested,
            factions: vec![row.holder.clone(), "isil".into()],
            valid_from: from,
            valid_to: Some(taken),
            confidence: row
                .contested_confidence
                .parse()
                .map_err(anyhow::Error::msg)
                .with_context(|| id.clone())?,
            sources: sources.clone(),
            note: row.note.clone(),
        });
    }
    out.push(ControlState {
        district: id.clone(),
        status: Status::Held,
        factions: vec![row.holder.clone()],
        valid_from: taken,
        valid_to: None,
        confidence: row
            .confidence
            .parse()
            .map_err(anyhow::Error::msg)
            .with_context(|| id.clone())?,
        sources,
        note: row.note.clone(),
    });
    Ok(out)
}

fn parse(s: &str) -> Result<Instant> {
    s.parse::<Instant>().map_err(|e| anyhow::anyhow!("{e}"))
}
