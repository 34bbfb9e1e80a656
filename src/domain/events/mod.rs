//! Events and sites: dated, located, graded and sourced incidents (an airstrike, an execution, a
//! camp opened) and the camps the displaced lived in, on the same timeline as control
//! (`docs/events.md`).
//!
//! Dates are whole UTC days, closed ranges: reports give a day or a week, not an instant. A place
//! is a point with the radius it may be off by, never a fake exact point. Every number is one
//! claim by one claimant, so disagreeing figures stand side by side.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::model::keyword_enum;
use super::time::{Instant, Interval};

mod catalogue;
pub mod validate;

pub use catalogue::{Catalogue, EventEntry, EventQuery, Known, SiteEntry, Week};

/// Every version of every event and of every site.
pub type Versions = (Vec<Known<Event>>, Vec<Known<Site>>);

const MS_PER_DAY: i64 = 86_400_000;

/// A calendar day (UTC), `YYYY-MM-DD`; held as its midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub Instant);

impl Day {
    /// The midnight after this day: the end of the half-open interval the day covers.
    #[must_use]
    pub fn end(self) -> Instant {
        Instant(self.0.0 + MS_PER_DAY)
    }

    /// The Monday of the week this day is in.
    #[must_use]
    pub fn monday(self) -> Day {
        // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
        let days = self.0.0.div_euclid(MS_PER_DAY);
        let weekday = (days + 3).rem_euclid(7);
        Day(Instant((days - weekday) * MS_PER_DAY))
    }

    /// The day seven days later.
    #[must_use]
    pub fn next_week(self) -> Day {
        Day(Instant(self.0.0 + 7 * MS_PER_DAY))
    }

    /// The day `t` falls on.
    #[must_use]
    pub fn of(t: Instant) -> Day {
        Day(Instant(t.0.div_euclid(MS_PER_DAY) * MS_PER_DAY))
    }
}

impl FromStr for Day {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        match t.parse::<Instant>() {
            Ok(i) if t.len() == 10 => Ok(Day(i)),
            _ => Err(format!("'{s}' is not a date: expected YYYY-MM-DD")),
        }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.date_string())
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

keyword_enum!(
    /// What happened: a closed list, so maps and filters can rely on it.
    EventKind, "event kind" {
        OffensiveStart => "offensive_start",
        Clash => "clash",
        Airstrike => "airstrike",
        Shelling => "shelling",
        Ied => "ied",
        Vbied => "vbied",
        Chemical => "chemical",
        Shootdown => "shootdown",
        Execution => "execution",
        MassGrave => "mass_grave",
        Abduction => "abduction",
        Displacement => "displacement",
        CampOpened => "camp_opened",
        EvacuationDeal => "evacuation_deal",
        HeritageDestroyed => "heritage_destroyed",
        Statement => "statement",
    }
);

keyword_enum!(
    /// How closely the dates are known.
    DatePrecision, "date precision" {
        Day => "day",
        Range => "range",
        Approximate => "approximate",
    }
);

keyword_enum!(
    /// How far the real place may be from the point given.
    LocationPrecision, "location precision" {
        Exact => "exact",
        Street => "street",
        Neighbourhood => "neighbourhood",
        Town => "town",
        City => "city",
        District => "district",
        Region => "region",
    }
);

impl LocationPrecision {
    /// The radius of the circle the place lies in, km.
    #[must_use]
    pub fn radius_km(self) -> f64 {
        match self {
            Self::Exact => 0.05,
            Self::Street => 0.25,
            Self::Neighbourhood => 1.0,
            Self::Town => 3.0,
            Self::City => 8.0,
            Self::District => 25.0,
            Self::Region => 75.0,
        }
    }
}

keyword_enum!(
    /// How far an event is established (Airwars' five grades).
    Grade, "grade" {
        Confirmed => "confirmed",
        Fair => "fair",
        Weak => "weak",
        Contested => "contested",
        Discounted => "discounted",
    }
);

keyword_enum!(
    /// What a figure counts.
    Metric, "metric" {
        Killed => "killed",
        Injured => "injured",
        Missing => "missing",
        Bodies => "bodies",
        Displaced => "displaced",
        Evacuated => "evacuated",
        Detained => "detained",
        Abducted => "abducted",
    }
);

keyword_enum!(
    /// Whom a figure counts.
    Group, "group" {
        Civilians => "civilians",
        Children => "children",
        Combatants => "combatants",
        People => "people",
    }
);

keyword_enum!(
    /// What sort of site.
    SiteKind, "site kind" {
        Camp => "camp",
        Transit => "transit",
        Emergency => "emergency",
    }
);

keyword_enum!(
    /// What an observation of a site counts.
    SiteMetric, "site metric" {
        Population => "population",
        Households => "households",
        Arrivals => "arrivals",
        Capacity => "capacity",
    }
);

/// One claim: `min`..`max` `metric` among `group`, by `claimant`, as `source` reports it. At
/// least one bound is given; `min` alone reads "at least", `max` alone "up to".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub metric: Metric,
    pub group: Group,
    pub min: Option<u64>,
    pub max: Option<u64>,
    pub claimant: String,
    pub source: String,
    #[serde(default)]
    pub note: String,
}

/// `105`, `125–370`, `at least 40`, `up to 370`.
#[must_use]
pub fn range_text(min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("up to {b}"),
        (None, None) => "?".into(),
    }
}

impl Figure {
    /// The claim in one line, for flat formats: `killed civilians 125–370 (local reports,
    /// airwars-ci551)`.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "{} {} {} ({}, {})",
            self.metric.as_str(),
            self.group.as_str(),
            range_text(self.min, self.max),
            self.claimant,
            self.source
        )
    }

    /// The larger number the claim gives.
    #[must_use]
    pub fn largest(&self) -> Option<u64> {
        self.max.or(self.min)
    }
}

/// A dated, located, sourced incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub kind: EventKind,
    pub title: String,
    pub summary: String,
    pub date_start: Day,
    /// The last day, inclusive (equal to `date_start` for one day).
    pub date_end: Day,
    pub date_precision: DatePrecision,
    pub lon: f64,
    pub lat: f64,
    pub location_precision: LocationPrecision,
    pub place: String,
    /// Faction ids involved.
    pub factions: Vec<String>,
    /// The faction held responsible, one of `factions`; `None` when unknown or disputed.
    pub responsible: Option<String>,
    pub grade: Grade,
    /// Source ids; at least one.
    pub sources: Vec<String>,
    #[serde(default)]
    pub note: String,
    /// One per claim, in the data's order.
    #[serde(default)]
    pub figures: Vec<Figure>,
}

impl Event {
    /// The instants the event's days cover, `[date_start, date_end + 1 day)`.
    #[must_use]
    pub fn interval(&self) -> Interval {
        Interval {
            from: self.date_start.0,
            to: Some(self.date_end.end()),
        }
    }

    /// The largest number any of its figures gives.
    #[must_use]
    pub fn largest(&self) -> Option<u64> {
        self.figures.iter().filter_map(Figure::largest).max()
    }
}

/// One sourced count at a site on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub date: Day,
    pub metric: SiteMetric,
    pub min: Option<u64>,
    pub max: Option<u64>,
    pub source: String,
    #[serde(default)]
    pub note: String,
}

impl Observation {
    /// The count in one line, for flat formats: `2016-11-14 population 10500 (reach-hasansham-u3)`.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "{} {} {} ({})",
            self.date,
            self.metric.as_str(),
            range_text(self.min, self.max),
            self.source
        )
    }
}

/// A camp or other site for the displaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub id: String,
    pub kind: SiteKind,
    pub name: String,
    pub operator: String,
    pub lon: f64,
    pub lat: f64,
    pub location_precision: LocationPrecision,
    /// The first day open; `None` when before the data set's period or not known.
    pub opened: Option<Day>,
    /// The last day open; `None` while still open.
    pub closed: Option<Day>,
    pub sources: Vec<String>,
    #[serde(default)]
    pub note: String,
    /// Sorted by date, then in the data's order.
    #[serde(default)]
    pub observations: Vec<Observation>,
}

impl Site {
    /// The instants it is open, `[opened, closed + 1 day)`; from the start of time when the
    /// opening is not known.
    #[must_use]
    pub fn interval(&self) -> Interval {
        Interval {
            from: self.opened.map_or(Instant(i64::MIN), |d| d.0),
            to: self.closed.map(Day::end),
        }
    }

    /// Its population counts.
    pub fn populations(&self) -> impl Iterator<Item = &Observation> {
        self.observations
            .iter()
            .filter(|o| o.metric == SiteMetric::Population)
    }

    /// Whether the site is open on the day `t` falls on.
    #[must_use]
    pub fn open_at(&self, t: Instant) -> bool {
        let day = Day::of(t);
        self.opened.is_none_or(|o| o <= day) && self.closed.is_none_or(|c| day <= c)
    }

    /// The latest population observation on or before the day `t` falls on, while open.
    #[must_use]
    pub fn population_at(&self, t: Instant) -> Option<&Observation> {
        if !self.open_at(t) {
            return None;
        }
        let day = Day::of(t);
        self.observations
            .iter()
            .rfind(|o| o.metric == SiteMetric::Population && o.date <= day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_knows_its_monday_and_its_end() {
        let d: Day = "2017-03-17".parse().unwrap();
        assert_eq!(d.monday().to_string(), "2017-03-13");
        assert_eq!(d.end(), Instant::from_ymd(2017, 3, 18));
        assert_eq!(
            "2017-03-13".parse::<Day>().unwrap().monday().to_string(),
            "2017-03-13"
        );
        assert!("2017-03-17T00:00:00Z".parse::<Day>().is_err());
        assert!(
            "17/03/2017"
                .parse::<Day>()
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
    }

    #[test]
    fn a_camps_population_is_its_latest_observation_while_open() {
        let obs = |date: &str, n| Observation {
            date: date.parse().unwrap(),
            metric: SiteMetric::Population,
            min: Some(n),
            max: Some(n),
            source: "s".into(),
            note: String::new(),
        };
        let site = Site {
            id: "c".into(),
            kind: SiteKind::Camp,
            name: "C".into(),
            operator: String::new(),
            lon: 43.0,
            lat: 36.0,
            location_precision: LocationPrecision::Town,
            opened: Some("2016-11-04".parse().unwrap()),
            closed: Some("2017-12-31".parse().unwrap()),
            sources: vec!["s".into()],
            note: String::new(),
            observations: vec![obs("2016-11-04", 3000), obs("2016-11-14", 10500)],
        };
        let at = |s: &str| s.parse::<Instant>().unwrap();
        assert!(site.population_at(at("2016-11-03")).is_none());
        assert_eq!(
            site.population_at(at("2016-11-13")).unwrap().min,
            Some(3000)
        );
        assert_eq!(
            site.population_at(at("2016-11-14T18:00:00Z")).unwrap().min,
            Some(10500)
        );
        assert!(site.population_at(at("2018-01-01")).is_none());
    }
}
