//! Documented bounds on what a data set may hold (README, "Limits"), so no single field or file
//! can make the server hold or send hundreds of megabytes: a 50 MB note would otherwise travel
//! with every answer that names its state.

use super::model::Dataset;
use super::validate::{CONTROL, DISTRICTS, FACTIONS, Issue, Locations, SOURCES, district_location};

/// Longest name of a faction, district or place, characters.
pub const NAME_CHARS: usize = 200;
/// Longest source title or publisher, characters.
pub const TITLE_CHARS: usize = 500;
/// Longest URL, characters.
pub const URL_CHARS: usize = 2_000;
/// Longest note on a state or source, characters.
pub const NOTE_CHARS: usize = 4_000;
/// Most other spellings of one district.
pub const ALT_NAMES: usize = 50;
/// Largest set of extra properties of one district, bytes of JSON.
pub const PROPERTY_BYTES: usize = 16 * 1024;
/// Largest `districts.geojson` or context layer, bytes.
pub const GEOJSON_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Largest CSV file, bytes.
pub const CSV_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Largest `dataset.json`, bytes.
pub const META_BYTES: u64 = 1024 * 1024;

/// Every field of `data` longer than its limit.
#[must_use]
pub fn check(data: &Dataset, at: &Locations) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut push = |file: &'static str, location: String, problem: Option<String>| {
        if let Some(message) = problem {
            issues.push(Issue {
                file: file.into(),
                location,
                message,
            });
        }
    };
    for (i, f) in data.factions.iter().enumerate() {
        push(
            FACTIONS,
            Locations::line(&at.factions, i),
            too_long("name", &f.name, NAME_CHARS),
        );
    }
    for (i, s) in data.sources.iter().enumerate() {
        let loc = || Locations::line(&at.sources, i);
        push(SOURCES, loc(), too_long("title", &s.title, TITLE_CHARS));
        push(
            SOURCES,
            loc(),
            too_long("publisher", &s.publisher, TITLE_CHARS),
        );
        push(SOURCES, loc(), too_long("url", &s.url, URL_CHARS));
        push(SOURCES, loc(), too_long("note", &s.note, NOTE_CHARS));
    }
    for (i, d) in data.districts.iter().enumerate() {
        let loc = || district_location(i, &d.id);
        push(DISTRICTS, loc(), too_long("name", &d.name, NAME_CHARS));
        if d.alt_names.len() > ALT_NAMES {
            push(
                DISTRICTS,
                loc(),
                Some(format!(
                    "has {} alt_names: at most {ALT_NAMES} are allowed",
                    d.alt_names.len()
                )),
            );
        }
        for a in &d.alt_names {
            push(DISTRICTS, loc(), too_long("an alt_name", a, NAME_CHARS));
        }
        if let Some(g) = &d.group {
            push(DISTRICTS, loc(), too_long("group", g, NAME_CHARS));
        }
        let bytes = serde_json::to_string(&d.properties).map_or(0, |s| s.len());
        if bytes > PROPERTY_BYTES {
            push(
                DISTRICTS,
                loc(),
                Some(format!(
                    "its other properties take {bytes} bytes of JSON: at most {PROPERTY_BYTES} are allowed \
                     (keep documents elsewhere and link to them)"
                )),
            );
        }
    }
    for (i, s) in data.states.iter().enumerate() {
        push(
            CONTROL,
            Locations::line(&at.states, i),
            too_long("note", &s.note, NOTE_CHARS),
        );
    }
    issues
}

/// A problem when `text` (the field `what`) is longer than `max` characters.
#[must_use]
pub fn too_long(what: &str, text: &str, max: usize) -> Option<String> {
    // Bytes bound characters from above: count only when the bytes exceed the limit.
    (text.len() > max && text.chars().count() > max).then(|| {
        format!(
            "{what} is {} characters long: at most {max} are allowed",
            text.chars().count()
        )
    })
}

/// A problem when the file at `path` is larger than `max` bytes.
#[must_use]
pub fn too_large(path: &std::path::Path, max: u64) -> Option<String> {
    let size = std::fs::metadata(path).ok()?.len();
    (size > max).then(|| {
        format!(
            "is {} MB: at most {} MB are read (split the data set, or simplify its geometry)",
            size / 1_000_000,
            max / 1_000_000
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_characters_not_bytes() {
        assert!(too_long("note", &"é".repeat(4_000), NOTE_CHARS).is_none());
        let long = too_long("note", &"é".repeat(4_001), NOTE_CHARS).unwrap();
        assert_eq!(
            long,
            "note is 4001 characters long: at most 4000 are allowed"
        );
    }
}
