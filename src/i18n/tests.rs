use super::*;
use jiff::civil::date;

fn lang(code: &str) -> Language {
    Language::built_in(code).unwrap()
}

#[test]
fn every_table_has_the_english_keys_and_placeholders() {
    let en = Language::english();
    for code in built_in() {
        let other = lang(code);
        let theirs: Vec<&str> = other.keys().collect();
        let ours: Vec<&str> = en.keys().collect();
        assert_eq!(theirs, ours, "{code} has other keys than English");
        for key in en.keys() {
            match (en.table.get(key), other.table.get(key)) {
                (Some(Value::Message(e)), Some(Value::Message(o))) => {
                    assert_eq!(
                        format::placeholders(e),
                        format::placeholders(o),
                        "{code}: `{key}` fills other names than English"
                    );
                    assert_eq!(
                        matches!(e, Message::Plural(_)),
                        matches!(o, Message::Plural(_)),
                        "{code}: `{key}` is plural in one table only"
                    );
                }
                (e, o) => assert_eq!(
                    e.map(std::mem::discriminant),
                    o.map(std::mem::discriminant),
                    "{code}: `{key}`"
                ),
            }
        }
    }
}

/// Each plural table has a form for every category the language's rules give
/// a count, so none falls back to `other` by accident.
#[test]
fn plural_tables_have_every_form_their_language_uses() {
    let samples = [
        "0", "1", "2", "3", "5", "11", "21", "100", "1000000", "1.5", "0.5",
    ];
    for code in built_in() {
        let l = lang(code);
        let needed: std::collections::BTreeSet<&str> = samples
            .iter()
            .map(|n| table::category_name(l.category(n)))
            .collect();
        for key in l.keys() {
            if let Some(Message::Plural(forms)) = l.message(key) {
                for category in &needed {
                    assert!(
                        forms.iter().any(|(c, _)| c == category),
                        "{code}: `{key}` has no `{category}` form"
                    );
                }
            }
        }
    }
}

// One test per plural rule the built-in languages follow.

#[test]
fn english_german_and_turkish_count_one_apart_from_the_rest() {
    let en = lang("en");
    assert_eq!(en.count("day_count", 1, &[]), "1 day");
    assert_eq!(en.count("day_count", 0, &[]), "0 days");
    assert_eq!(en.count("day_count", 2, &[]), "2 days");
    assert_eq!(en.count("hour_count", "1.5", &[]), "1.5 hours");
    assert_eq!(en.count("hour_count", "1", &[]), "1 hour");
    let de = lang("de");
    assert_eq!(de.category("1"), PluralCategory::ONE);
    assert_eq!(de.category("0"), PluralCategory::OTHER);
    assert_eq!(de.category("1.5"), PluralCategory::OTHER);
    assert_ne!(
        de.count("session_count", 1, &[])[2..],
        de.count("session_count", 2, &[])[2..]
    );
    let tr = lang("tr");
    assert_eq!(tr.category("1"), PluralCategory::ONE);
    assert_eq!(tr.category("2"), PluralCategory::OTHER);
    // Turkish nouns stay singular after a number.
    assert_eq!(tr.count("day_count", 3, &[]), "3 gün");
}

#[test]
fn french_counts_zero_and_fractions_below_two_as_one() {
    let fr = lang("fr");
    assert_eq!(fr.category("0"), PluralCategory::ONE);
    assert_eq!(fr.category("1.5"), PluralCategory::ONE);
    assert_eq!(fr.category("2"), PluralCategory::OTHER);
    let zero = fr.count("session_count", 0, &[]);
    let two = fr.count("session_count", 2, &[]);
    assert!(zero.starts_with("0 ") && two.starts_with("2 "));
    assert_ne!(
        zero[2..],
        two[2..],
        "0 takes the singular in French: {zero} / {two}"
    );
    assert!(fr.count("hour_count", "1.5", &[]).starts_with("1,5 "));
}

#[test]
fn spanish_and_portuguese_count_one_and_millions_apart() {
    for code in ["es", "pt"] {
        let l = lang(code);
        assert_eq!(l.category("1"), PluralCategory::ONE, "{code}");
        assert_eq!(l.category("2"), PluralCategory::OTHER, "{code}");
        let one = l.count("session_count", 1, &[]);
        let two = l.count("session_count", 2, &[]);
        assert_ne!(one[2..], two[2..], "{code}: {one} / {two}");
    }
    // Portuguese counts 0 and 1 as one; Spanish only 1.
    assert_eq!(lang("pt").category("0"), PluralCategory::ONE);
    assert_eq!(lang("es").category("0"), PluralCategory::OTHER);
}

#[test]
fn japanese_has_one_form_for_every_count() {
    let ja = lang("ja");
    for n in ["0", "1", "2", "1.5"] {
        assert_eq!(ja.category(n), PluralCategory::OTHER);
    }
    assert_eq!(
        ja.count("day_count", 1, &[]).replace('1', "2"),
        ja.count("day_count", 2, &[])
    );
}

#[test]
fn numbers_follow_the_language() {
    assert_eq!(lang("en").number("1234.5"), "1,234.5");
    assert_eq!(lang("de").number("35.6"), "35,6");
    assert_eq!(lang("de").number("1234"), "1.234");
    assert_eq!(lang("fr").number("12345.5"), "12\u{202f}345,5");
    // Spanish groups from five digits.
    assert_eq!(lang("es").number("1234"), "1234");
    assert_eq!(lang("es").number("12345"), "12.345");
    assert_eq!(lang("tr").number("35.6"), "35,6");
    assert_eq!(lang("ja").number("1234.5"), "1,234.5");
    assert_eq!(lang("de").number("-1234"), "-1.234");
    assert_eq!(lang("de").number("n/a"), "n/a");
    assert_eq!(
        lang("de").plain_number("1.234,5").as_deref(),
        Some("1234.5")
    );
    assert!(
        lang("de")
            .count("hour_count", "35.6", &[])
            .starts_with("35,6 ")
    );
}

#[test]
fn dates_follow_the_language() {
    let d = date(2026, 12, 4);
    let cases = [
        ("en", "4 December 2026", "December 2026"),
        ("de", "4. Dezember 2026", "Dezember 2026"),
        ("fr", "4 décembre 2026", "décembre 2026"),
        ("es", "4 de diciembre de 2026", "diciembre de 2026"),
        ("pt", "4 de dezembro de 2026", "dezembro de 2026"),
        ("tr", "4 Aralık 2026", "Aralık 2026"),
        ("ja", "2026年12月4日", "2026年12月"),
    ];
    for (code, long, month) in cases {
        let l = lang(code);
        assert_eq!(l.date(d), long, "{code}");
        assert_eq!(l.month_year(d), month, "{code}");
    }
    assert_eq!(lang("en").date_short(d), "4 Dec");
}

#[test]
fn names_without_a_value_stay_visible() {
    assert_eq!(
        format::fill("{a} and {b}", &[("a", "x")], None),
        "x and {b}"
    );
    assert_eq!(format::fill("{n} min", &[], Some("5")), "5 min");
    assert_eq!(format::fill("unclosed {", &[], None), "unclosed {");
}
