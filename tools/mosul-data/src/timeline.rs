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
/// Reports that the Islamic State held the city when the offensive began.
const CITY_SOURCES: [&str; 2] = ["ocha-2016-07-mosul-flash-appeal", "ap-2016-10-17-offensive"];
/// Reports of who held the towns around it then.
const TOWN_SOURCES: [&str; 2] = [
    "isw-2016-10-26-control-of-terrain",
    "isw-2016-10-24-campaign-for-mosul",
];

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
    let list = |s: &str| -> Vec<String> {
        s.split(';')
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let sources = list(&row.sources);
    let contested_sources = if row.contested_sources.is_empty() {
        sources.clone()
    } else {
        list(&row.contested_sources)
    };
    let syria = district.group == "Syria";
    let (before_sources, before_note): (Vec<String>, &str) = match district.group.as_str() {
        "Syria" => (
            vec![contested_sources[0].clone()],
            "Held by the Islamic State since 2014; the data start on 2016-10-01.",
        ),
        "Outskirts" if district.kind == crate::raw::Kind::Town => (
            TOWN_SOURCES.iter().map(|s| (*s).to_owned()).collect(),
            "Held by the Islamic State since the summer of 2014 (ISW's control-of-terrain map); the data start on 2016-10-01, before the offensive of 17 Oct 2016.",
        ),
        _ => (
            CITY_SOURCES.iter().map(|s| (*s).to_owned()).collect(),
            "Held by the Islamic State since June 2014 (UN OCHA); the data start on 2016-10-01, before the offensive of 17 Oct 2016.",
        ),
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
        sources: before_sources,
        note: before_note.to_owned(),
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
            sources: contested_sources,
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
