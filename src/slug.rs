//! Slugs: the URL-safe names of skills, entries, pages, fields and tags. They must be
//! stable (a shared link must keep working) and safe (a slug is a single path
//! segment, so no name on disk can make the build write outside its output folder).

/// Lowercase ASCII letters, digits and single hyphens; common accented letters are
/// transliterated so "Crème brûlée" becomes `creme-brulee` rather than `cr-me-br-l-e`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars() {
        let mapped: &str = match c {
            'a'..='z' | '0'..='9' => {
                push(&mut out, &mut pending_hyphen, c);
                continue;
            }
            'A'..='Z' => {
                push(&mut out, &mut pending_hyphen, c.to_ascii_lowercase());
                continue;
            }
            _ => transliterate(c),
        };
        if mapped.is_empty() {
            pending_hyphen = !out.is_empty();
        } else {
            for m in mapped.chars() {
                push(&mut out, &mut pending_hyphen, m);
            }
        }
    }
    out
}

fn push(out: &mut String, pending_hyphen: &mut bool, c: char) {
    if *pending_hyphen {
        out.push('-');
        *pending_hyphen = false;
    }
    out.push(c);
}

fn transliterate(c: char) -> &'static str {
    match c.to_lowercase().next().unwrap_or(c) {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' | 'ľ' | 'ĺ' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' | 'ŕ' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        '&' => "and",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_are_lowercase_ascii_with_single_hyphens() {
        assert_eq!(slugify("The Perfect Omelette"), "the-perfect-omelette");
        assert_eq!(slugify("  Crème   brûlée!! "), "creme-brulee");
        assert_eq!(slugify("2026-10-03-First_Fold"), "2026-10-03-first-fold");
        assert_eq!(slugify("Knife & Fork"), "knife-and-fork");
        assert_eq!(slugify("Straße"), "strasse");
    }

    #[test]
    fn path_tricks_cannot_survive() {
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("/abs"), "abs");
        assert_eq!(slugify("..."), "");
    }
}
