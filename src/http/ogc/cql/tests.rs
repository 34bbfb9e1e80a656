use super::*;

/// A control state of Zanjili held by IS from 2017-06-10, still holding, with two sources.
fn zanjili(p: usize) -> Value<'static> {
    let t = |s: &'static str| Value::Text(Cow::Borrowed(s));
    match values::properties(Collection::Control)[p].name {
        "district" => t("zanjili"),
        "name" => t("Zanjili"),
        "group" => Value::Null,
        "status" => t("held"),
        "faction" => t("isis"),
        "factions" => t("isis"),
        "valid_from" => Value::Instant(Instant::from_ymd(2017, 6, 10)),
        "valid_to" => Value::Null,
        "confidence" => t("confirmed"),
        "sources" => t("reuters-2017-06-10;ap-2017-06-11"),
        _ => t("Old City edge"),
    }
}

fn check(filter: &str) -> Option<bool> {
    Filter::parse(filter, Collection::Control)
        .unwrap_or_else(|e| panic!("{filter}: {e}"))
        .eval_with(&zanjili)
}

#[test]
fn comparisons_logic_and_null_follow_cql2() {
    for (filter, want) in [
        ("district = 'zanjili'", Some(true)),
        ("district <> 'zanjili'", Some(false)),
        ("district != 'sihha'", Some(true)),
        ("\"district\"='zanjili' AND status='held'", Some(true)),
        ("status = 'contested' OR faction = 'isis'", Some(true)),
        ("NOT (faction = 'isis')", Some(false)),
        ("valid_to > '2017-07-01T00:00:00Z'", None),
        ("valid_to IS NULL", Some(true)),
        ("valid_to IS NOT NULL", Some(false)),
        ("group = 'west' OR status = 'held'", Some(true)),
        ("group = 'west' AND status = 'held'", None),
        ("group = 'west' AND status = 'contested'", Some(false)),
        ("TRUE", Some(true)),
        ("NOT FALSE AND district = 'zanjili'", Some(true)),
    ] {
        assert_eq!(check(filter), want, "{filter}");
    }
}

#[test]
fn date_times_compare_as_instants_however_they_are_spelled() {
    for filter in [
        "valid_from <= '2017-06-10T00:00:00Z'",
        "valid_from <= '2017-06-10T00:00:00.000Z'",
        "valid_from <= '2017-06-10T03:00:00+03:00'",
        "valid_from = TIMESTAMP('2017-06-10T00:00:00Z')",
        "valid_from >= DATE('2017-06-10')",
        "valid_from = '2017-06-10'",
        // What GDAL's OAPIF driver sends for a date and for an hour.
        "valid_from = '2017-06-10T'",
        "valid_from < '2017-06-10T01Z'",
        "valid_from BETWEEN '2017-06-01' AND '2017-06-30'",
        "valid_from IN ('2017-06-09', '2017-06-10')",
        // GDAL's translation of a whole snapshot filter.
        "(valid_from <= '2017-06-10T00:00:00Z') AND ((valid_to IS NULL) OR (valid_to > '2017-06-10T00:00:00Z'))",
    ] {
        assert_eq!(check(filter), Some(true), "{filter}");
    }
    assert_eq!(check("valid_from > '2017-06-10T00:00:00Z'"), Some(false));
    assert_eq!(
        check("valid_from NOT BETWEEN '2017-06-01' AND '2017-06-30'"),
        Some(false)
    );
}

#[test]
fn like_in_and_casei_match_text() {
    for (filter, want) in [
        ("name LIKE 'Zan%'", true),
        ("name LIKE 'zan%'", false),
        ("name ILIKE 'zan%'", true),
        ("CASEI(name) = CASEI('ZANJILI')", true),
        ("name LIKE 'Z_njili'", true),
        ("name LIKE '%j%i%'", true),
        ("name LIKE '%x%'", false),
        ("name NOT LIKE '%x%'", true),
        ("sources LIKE '%reuters%'", true),
        ("note LIKE 'Old City edge'", true),
        ("note LIKE 'Old City'", false),
        ("district IN ('sihha', 'zanjili')", true),
        ("district NOT IN ('sihha', 'zanjili')", false),
    ] {
        assert_eq!(check(filter), Some(want), "{filter}");
    }
    assert!(like("100%", &"100\\%".chars().collect::<Vec<_>>(), false));
    assert!(!like("1000", &"100\\%".chars().collect::<Vec<_>>(), false));
}

#[test]
fn errors_say_where_and_what_is_valid() {
    for (filter, at, words) in [
        (
            "distrct = 'x'",
            1,
            "no queryable `distrct` in control: the queryables are district,",
        ),
        (
            "district = ",
            12,
            "expected a property, a value or a function, found the end",
        ),
        ("district = 'x", 12, "never closed"),
        (
            "valid_from > 'yesterday'",
            1,
            "'yesterday' is not a date-time",
        ),
        ("valid_from > 3", 1, "cannot compare date-time with number"),
        ("name = 3", 1, "cannot compare text with number"),
        ("(district = 'x'", 16, "expected `)` to close the group"),
        ("district = 'x' district", 16, "expected AND, OR or the end"),
        (
            "S_INTERSECTS(geometry, BBOX(1,2,3,4))",
            1,
            "function S_INTERSECTS() is not offered",
        ),
        ("name LIKE 3", 11, "LIKE needs a quoted pattern"),
        ("district ! 'x'", 10, "`!` must be followed by `=`"),
        ("district", 9, "expected a comparison"),
    ] {
        let err = Filter::parse(filter, Collection::Control).unwrap_err();
        assert!(err.message.contains(words), "{filter}: {err}");
        assert_eq!(err.at, at, "{filter}: {err}");
    }
    let deep = format!("{}district = 'x'{}", "(".repeat(100), ")".repeat(100));
    assert!(
        Filter::parse(&deep, Collection::Control)
            .unwrap_err()
            .message
            .contains("nests deeper")
    );
    let long = format!("note = '{}'", "x".repeat(MAX_LENGTH));
    assert!(Filter::parse(&long, Collection::Control).is_err());
}
