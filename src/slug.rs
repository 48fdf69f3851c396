//! Slugs: the URL-safe names of skills, entries, pages, fields and tags. They must be
//! stable (a shared link must keep working) and safe (a slug is a single path
//! segment, so no name on disk can make the build write outside its output folder).

/// Lowercase ASCII letters, digits and single hyphens. Other letters are
/// transliterated (by `deunicode`), so "Crème brûlée" becomes `creme-brulee` rather
/// than `cr-me-br-l-e`, and a name in another script keeps a readable slug
/// (`日本語` is `ri-ben-yu`) instead of none at all.
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
            '&' => " and ",
            c if c.is_ascii() => "",
            // A combining accent (a name saved decomposed, as macOS does) maps
            // to nothing and must not split its word.
            c => match deunicode::deunicode_char(c) {
                Some(m) if m.trim().is_empty() && !c.is_whitespace() => continue,
                Some(m) => m,
                None => "",
            },
        };
        if mapped.is_empty() {
            pending_hyphen = !out.is_empty();
        }
        for m in mapped.chars() {
            if m.is_ascii_alphanumeric() {
                push(&mut out, &mut pending_hyphen, m.to_ascii_lowercase());
            } else {
                pending_hyphen = !out.is_empty();
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

    #[test]
    fn letters_of_any_script_are_transliterated() {
        assert_eq!(slugify("Crêpe"), "crepe");
        assert_eq!(slugify("Ærø"), "aero");
        assert_eq!(slugify("Œuf à la coque"), "oeuf-a-la-coque");
        assert_eq!(slugify("日本語"), "ri-ben-yu");
        assert_eq!(slugify("Борщ"), "borshch");
        // Decomposed, as macOS stores file names.
        assert_eq!(slugify("Cre\u{300}me bru\u{302}le\u{301}e"), "creme-brulee");
    }

    #[test]
    fn names_without_letters_or_digits_give_no_slug() {
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify("  -- "), "");
    }
}
