//! The floor: only the work no generator can avoid for a portfolio, done in
//! parallel. It reads every markdown file, renders it with pulldown-cmark,
//! highlights every fenced code block with syntect (class output, like the build),
//! and writes the files a real build of the same site wrote: the same paths (so
//! the same folders) and sizes. For every preview card the build wrote it also
//! makes a card's pixels once, 1200x630, and compresses them as a PNG as the
//! build does (`skillfolio::cards::palette_png`): the least any generator that
//! draws cards does. A build's time divided by the floor's is its distance to
//! the limit.
//!
//!     cargo bench --bench floor -- SITE_DIR BUILD_OUTPUT_DIR [--keep] [--beside DIR] [--lines]
//!
//! With `--lines` it highlights as the build does, parsing each line it has met
//! before in the same grammar state only once (`skillfolio::highlight_lines`):
//! the floor of a generator that knows that trick. Without it, every line of every
//! block is parsed.
//!
//! BUILD_OUTPUT_DIR is only measured (file count and bytes), never written. The
//! floor writes beside it, or beside DIR with `--beside`, which is where a build
//! being compared writes. Its files are removed afterwards, unless `--keep` is
//! given: a benchmark of a quiet disk removes nothing between its timed runs.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;
use skillfolio::highlight_lines::LineMemo;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::util::LinesWithEndings;
use walkdir::WalkDir;

fn files_under(dir: &Path, ext: Option<&str>) -> Vec<PathBuf> {
    WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| ext.is_none_or(|x| e.path().extension().is_some_and(|p| p == x)))
        .map(|e| e.path().to_path_buf())
        .collect()
}

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// `text` as HTML; with `remember`, code is highlighted by `lines`, otherwise by
/// syntect alone with the same grammars.
fn render(text: &str, lines: &LineMemo, remember: bool) -> String {
    let syntaxes = lines.syntaxes();
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(text, Options::all()) {
        match (&mut code, event) {
            (None, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))) => {
                code = Some((lang.to_string(), String::new()));
            }
            (Some((_, body)), Event::Text(t)) => body.push_str(&t),
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                let (lang, body) = code.take().unwrap_or_default();
                let html = match syntaxes.find_syntax_by_token(&lang) {
                    Some(syntax) if remember => lines
                        .highlight(
                            &body,
                            syntax,
                            std::time::Instant::now() + skillfolio::highlight::BUDGET,
                        )
                        .unwrap_or(body),
                    Some(syntax) => {
                        let mut generator =
                            ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, STYLE);
                        for line in LinesWithEndings::from(&body) {
                            let _ = generator.parse_html_for_line_which_includes_newline(line);
                        }
                        generator.finalize()
                    }
                    None => body,
                };
                events.push(Event::Html(html.into()));
            }
            (Some(_), _) => {}
            (None, other) => events.push(other),
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// One card's pixels, made and compressed: the background, the calendar's
/// 140 squares and bars where the text goes, as a palette PNG with the fast
/// setting. Drawing the text's glyphs costs more; this is the least a card costs.
fn card_pixels(n: usize) -> usize {
    let (width, height) = (1200usize, 630usize);
    let mut pixels = vec![0u8; width * height];
    let mut fill = |left: usize, top: usize, w: usize, h: usize, index: u8| {
        for row in pixels[top * width..(top + h) * width].chunks_exact_mut(width) {
            row[left..left + w].fill(index);
        }
    };
    fill(0, 0, 16, height, 1);
    for cell in 0..140 {
        let (col, row) = (cell / 7, cell % 7);
        fill(
            720 + col * 20,
            64 + row * 20,
            16,
            16,
            2 + ((cell + n) % 5) as u8,
        );
    }
    for (top, h, w) in [
        (70, 30, 400),
        (140, 34, 300),
        (250, 72, 900),
        (540, 30, 600),
    ] {
        fill(80, top, w, h, 7);
    }
    let palette: Vec<u8> = (0..8u8).flat_map(|i| [i * 32, i * 32, i * 32]).collect();
    let out = skillfolio::cards::palette_png(&pixels, width as u32, &palette).expect("a PNG");
    out.len()
}

fn main() {
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let keep = args.iter().any(|a| a == "--keep");
    let remember = args.iter().any(|a| a == "--lines");
    args.retain(|a| a != "--keep" && a != "--lines");
    let usage = || -> ! {
        eprintln!(
            "usage: cargo bench --bench floor -- SITE_DIR BUILD_OUTPUT_DIR [--keep] [--beside DIR] [--lines]"
        );
        std::process::exit(2);
    };
    let beside = match args.iter().position(|a| a == "--beside") {
        Some(i) if i + 1 < args.len() => {
            let dir = args.remove(i + 1);
            args.remove(i);
            Some(PathBuf::from(dir))
        }
        Some(_) => usage(),
        None => None,
    };
    let [site, built] = args.as_slice() else {
        usage()
    };
    let built = Path::new(built);
    // Every file the build wrote, by its path in the output and its size: a site
    // with a folder per page cannot avoid making those folders either.
    let outputs: Vec<(PathBuf, usize)> = files_under(built, None)
        .into_iter()
        .filter_map(|p| {
            let len = fs::metadata(&p).ok()?.len() as usize;
            Some((p.strip_prefix(built).ok()?.to_path_buf(), len))
        })
        .collect();
    let out_bytes: u64 = outputs.iter().map(|(_, len)| *len as u64).sum();
    let largest = outputs.iter().map(|(_, len)| *len).max().unwrap_or(0);
    // Beside the build's output, as the build's staging folder is: where a file
    // system places new files, and how fast, depends on the folder they go in.
    let target = beside
        .as_deref()
        .unwrap_or(built)
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!(".skillfolio-floor-{}", std::process::id()));

    let started = Instant::now();
    // The memo holds the grammars; without `--lines` only they are used.
    let lines = LineMemo::new(two_face::syntax::extra_newlines(), STYLE);
    let sources = files_under(&Path::new(site).join("content"), Some("md"));
    let rendered: u64 = sources
        .par_iter()
        .map(|p| render(&fs::read_to_string(p).unwrap_or_default(), &lines, remember).len() as u64)
        .sum();
    // The cards: every pixel of each made and compressed once.
    let cards = outputs
        .iter()
        .filter(|(rel, _)| rel.starts_with("cards") && rel.extension().is_some_and(|e| e == "png"))
        .count();
    let card_bytes: usize = (0..cards).into_par_iter().map(card_pixels).sum();
    let rendered_in = started.elapsed();
    // The same files, folders and sizes as the build wrote.
    let bytes = vec![b'x'; largest];
    outputs.par_iter().for_each(|(rel, len)| {
        let path = target.join(rel);
        if let Some(dir) = path.parent() {
            let _ = fs::create_dir_all(dir);
        }
        let _ = fs::write(path, &bytes[..*len]);
    });
    let elapsed = started.elapsed();
    if !keep {
        let _ = fs::remove_dir_all(&target);
    }
    println!(
        "floor: {} markdown files ({} bytes of HTML) and {cards} cards ({card_bytes} bytes) in {:.3} s, {} files and {} bytes written in {:.3} s, in {:.3} s",
        sources.len(),
        rendered,
        rendered_in.as_secs_f64(),
        outputs.len(),
        out_bytes,
        (elapsed - rendered_in).as_secs_f64(),
        elapsed.as_secs_f64()
    );
}
