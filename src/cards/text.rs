//! Fitting card text into lines by its measured width. Text is cut into
//! clusters (a character with the marks, joiners and selectors that ride on it)
//! so that a line never ends inside one; lines break after spaces, between CJK
//! characters and emoji (keeping closing punctuation off the start of a line), or,
//! for a word longer than a whole line, anywhere between clusters.

/// Lines of text and the size they were fitted at.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub size: f32,
    /// Each line with its width in ems.
    pub lines: Vec<(String, f32)>,
}

/// Fits `text` into at most `max_lines` lines no wider than `max_width` at the
/// largest of `sizes` (in pixels, largest first) that holds it all; when even
/// the last does not, the last line ends in an ellipsis. `em` gives the width of
/// a cluster in ems.
pub fn fit(
    text: &str,
    max_width: f32,
    max_lines: usize,
    sizes: &[f32],
    em: &dyn Fn(&str) -> f32,
) -> Fitted {
    let clusters: Vec<(&str, f32)> = clusters(text).into_iter().map(|c| (c, em(c))).collect();
    let mut size = 0.0;
    for &s in sizes {
        size = s;
        let lines = wrap(&clusters, max_width / s);
        if lines.len() <= max_lines {
            return Fitted {
                size,
                lines: lines.into_iter().map(|r| join(&clusters, r)).collect(),
            };
        }
    }
    let limit = max_width / size;
    let mut lines = wrap(&clusters, limit);
    lines.truncate(max_lines);
    let mut lines: Vec<(String, f32)> = lines.into_iter().map(|r| join(&clusters, r)).collect();
    if let Some(&(start, _)) = wrap(&clusters, limit).get(max_lines.saturating_sub(1)) {
        lines.pop();
        lines.push(ellipsize(&clusters, start, limit, em("…")));
    }
    Fitted { size, lines }
}

/// The longest start of `text` that fits `max_width` at `size`, ending in an
/// ellipsis when it was cut.
pub fn clip(text: &str, max_width: f32, size: f32, em: &dyn Fn(&str) -> f32) -> (String, f32) {
    fit(text, max_width, 1, &[size], em)
        .lines
        .pop()
        .unwrap_or_default()
}

/// Characters that belong to the cluster before them: combining marks, joiners,
/// variation selectors, skin tones, emoji tags and kana voicing marks.
pub fn joins(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0300..=0x036F
            | 0x1AB0..=0x1AFF
            | 0x1DC0..=0x1DFF
            | 0x200C..=0x200D
            | 0x20D0..=0x20FF
            | 0x3099..=0x309A
            | 0xFE00..=0xFE0F
            | 0xFE20..=0xFE2F
            | 0x1F3FB..=0x1F3FF
            | 0xE0020..=0xE007F
            | 0xE0100..=0xE01EF
    )
}

fn regional(c: char) -> bool {
    matches!(u32::from(c), 0x1F1E6..=0x1F1FF)
}

/// `text` in clusters, with runs of white space (and control characters, which
/// SVG cannot carry) made one space and none at either end.
pub fn clusters(text: &str) -> Vec<&str> {
    let text = text.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    let mut out: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    let mut flags = 0;
    for (i, c) in text.char_indices() {
        let blank = c.is_whitespace() || c.is_control();
        let glued = match prev {
            None => false,
            Some(p) => {
                let p_blank = p.is_whitespace() || p.is_control();
                (!blank && !p_blank && (joins(c) || p == '\u{200D}'))
                    || (regional(c) && regional(p) && flags % 2 == 1)
            }
        };
        if !glued && i > 0 {
            out.push(&text[start..i]);
            start = i;
        }
        flags = if regional(c) { flags + 1 } else { 0 };
        prev = Some(c);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    // One space for each run of blanks.
    let mut kept: Vec<&str> = Vec::with_capacity(out.len());
    for c in out {
        if is_blank(c) {
            if kept.last().is_some_and(|k| is_blank(k)) {
                continue;
            }
            kept.push(" ");
        } else {
            kept.push(c);
        }
    }
    kept
}

fn is_blank(cluster: &str) -> bool {
    cluster.chars().all(|c| c.is_whitespace() || c.is_control())
}

/// Wide characters: CJK, Hangul, fullwidth forms and emoji, between which a line
/// may break without a space.
fn wide(cluster: &str) -> bool {
    cluster.chars().next().is_some_and(|c| {
        matches!(
            u32::from(c),
            0x1100..=0x115F
                | 0x2600..=0x27BF
                | 0x2E80..=0x303E
                | 0x3041..=0x33FF
                | 0x3400..=0x4DBF
                | 0x4E00..=0x9FFF
                | 0xA000..=0xA4CF
                | 0xAC00..=0xD7A3
                | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F
                | 0xFF00..=0xFF60
                | 0xFFE0..=0xFFE6
                | 0x1F000..=0x1FAFF
                | 0x20000..=0x3FFFD
        )
    })
}

/// Whether a line may end before cluster `i`.
fn breaks_before(clusters: &[(&str, f32)], i: usize) -> bool {
    let (Some(&(prev, _)), Some(&(cur, _))) = (clusters.get(i.wrapping_sub(1)), clusters.get(i))
    else {
        return false;
    };
    if is_blank(prev) {
        return true;
    }
    if is_blank(cur) {
        return false;
    }
    let opens = |c: &str| c.chars().all(|c| "([{（「『【〔〈《“‘".contains(c));
    let closes = |c: &str| {
        c.chars()
            .all(|c| ")]}.,;:!?%、。，．・：；？！）」』】〕〉》ー…々ゝゞぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ”’".contains(c))
    };
    if opens(prev) || closes(cur) {
        return false;
    }
    wide(prev) || wide(cur) || prev == "-" || prev == "/"
}

/// Greedy lines as ranges of cluster indices, no wider than `limit` ems unless a
/// single cluster is.
fn wrap(clusters: &[(&str, f32)], limit: f32) -> Vec<(usize, usize)> {
    let n = clusters.len();
    let skip_blanks = |mut i: usize| {
        while i < n && is_blank(clusters[i].0) {
            i += 1;
        }
        i
    };
    let mut lines = Vec::new();
    let mut start = skip_blanks(0);
    while start < n {
        let mut width = 0.0;
        let mut last_break = None;
        let mut end = n;
        for (i, &(c, w)) in clusters.iter().enumerate().skip(start) {
            if i > start && breaks_before(clusters, i) {
                last_break = Some(i);
            }
            if !is_blank(c) && i > start && width + w > limit {
                end = last_break.unwrap_or(i);
                break;
            }
            width += w;
        }
        let mut trimmed = end;
        while trimmed > start && is_blank(clusters[trimmed - 1].0) {
            trimmed -= 1;
        }
        lines.push((start, trimmed));
        start = skip_blanks(end);
    }
    lines
}

fn join(clusters: &[(&str, f32)], (start, end): (usize, usize)) -> (String, f32) {
    let part = &clusters[start..end];
    (
        part.iter().map(|c| c.0).collect(),
        part.iter().map(|c| c.1).sum(),
    )
}

/// As much of the text from cluster `start` as fits `limit` ems with an
/// ellipsis after it, cut at a space when one is not too far back.
fn ellipsize(clusters: &[(&str, f32)], start: usize, limit: f32, ellipsis: f32) -> (String, f32) {
    let mut width = 0.0;
    let mut end = start;
    let mut last_space = None;
    for (i, &(c, w)) in clusters.iter().enumerate().skip(start) {
        if width + w + ellipsis > limit {
            break;
        }
        if is_blank(c) {
            last_space = Some((i, width));
        }
        width += w;
        end = i + 1;
    }
    if end < clusters.len()
        && !breaks_before(clusters, end)
        && let Some((space, before)) = last_space.filter(|&(_, w)| w >= limit / 2.0)
    {
        end = space;
        width = before;
    }
    while end > start && is_blank(clusters[end - 1].0) {
        end -= 1;
        width -= clusters[end].1;
    }
    let mut line: String = clusters[start..end].iter().map(|c| c.0).collect();
    line.push('…');
    (line, width + ellipsis)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Half an em for every cluster, one em for wide ones: easy to count.
    fn em(c: &str) -> f32 {
        if wide(c) { 1.0 } else { 0.5 }
    }

    fn texts(f: &Fitted) -> Vec<&str> {
        f.lines.iter().map(|l| l.0.as_str()).collect()
    }

    #[test]
    fn short_titles_stay_whole_at_the_largest_size() {
        let f = fit("A perfect omelette", 1000.0, 3, &[72.0, 60.0], &em);
        assert_eq!((f.size, texts(&f)), (72.0, vec!["A perfect omelette"]));
        assert_eq!(f.lines[0].1, 9.0);
    }

    #[test]
    fn lines_break_at_spaces_within_the_width() {
        // 9 ems a line at 10 px: 18 clusters.
        let f = fit("aaaa bbbb cccc dddd eeee", 90.0, 3, &[10.0], &em);
        assert_eq!(texts(&f), ["aaaa bbbb cccc", "dddd eeee"]);
        assert!(f.lines.iter().all(|l| l.1 <= 9.0), "{f:?}");
    }

    #[test]
    fn long_titles_shrink_before_they_are_cut() {
        let title = "one two three four five six seven eight nine ten";
        // 49 clusters, 24.5 ems: three lines of 10 ems at 10 px would not hold
        // it with the breaks falling at words, so it drops to the next size.
        let f = fit(title, 100.0, 2, &[10.0, 8.0], &em);
        assert_eq!(f.size, 8.0);
        assert_eq!(f.lines.len(), 2);
        assert!(f.lines.iter().all(|l| l.1 <= 12.5), "{f:?}");
        assert_eq!(texts(&f).join(" "), title);
    }

    #[test]
    fn what_fits_nowhere_ends_in_an_ellipsis_within_the_width() {
        let title = "one two three four five six seven eight nine ten eleven twelve";
        let f = fit(title, 50.0, 2, &[10.0, 8.0], &em);
        assert_eq!(f.size, 8.0);
        assert_eq!(f.lines.len(), 2);
        let last = &f.lines[1];
        assert!(last.0.ends_with('…'), "{f:?}");
        assert!(last.1 <= 50.0 / 8.0 + 1e-4, "{f:?}");
        assert!(!last.0.contains(" …"), "{f:?}");
    }

    #[test]
    fn cjk_breaks_between_characters_but_not_before_closing_marks() {
        let f = fit("「完璧なオムレツ」を焼く。", 40.0, 5, &[10.0], &em);
        for (line, width) in &f.lines {
            assert!(*width <= 4.0, "{f:?}");
            assert!(!line.starts_with(['」', '。']), "{f:?}");
            assert!(!line.ends_with('「'), "{f:?}");
        }
        assert_eq!(texts(&f).concat(), "「完璧なオムレツ」を焼く。");
    }

    #[test]
    fn a_word_longer_than_a_line_is_split_between_clusters() {
        let f = fit("abcdefghij", 20.0, 5, &[10.0], &em);
        assert_eq!(texts(&f), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn clusters_keep_marks_joiners_and_flags_together() {
        assert_eq!(
            clusters("e\u{301}  👩🏽\u{200D}🍳 🇫🇷🇯🇵 ❤\u{FE0F}\u{200D}🔥\n"),
            [
                "e\u{301}",
                " ",
                "👩🏽\u{200D}🍳",
                " ",
                "🇫🇷",
                "🇯🇵",
                " ",
                "❤\u{FE0F}\u{200D}🔥"
            ]
        );
        assert_eq!(clusters(" \t "), Vec::<&str>::new());
        assert_eq!(clusters("a\u{1}b"), ["a", " ", "b"]);
    }

    #[test]
    fn clipping_keeps_what_fits() {
        assert_eq!(clip("short", 100.0, 10.0, &em), ("short".to_string(), 2.5));
        let (line, width) = clip("a rather longer line", 50.0, 10.0, &em);
        assert!(line.ends_with('…') && width <= 5.0, "{line} {width}");
    }
}
