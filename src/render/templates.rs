//! The theme's templates compiled once into tera, and tera's errors turned into
//! skillfolio diagnostics that name the template file, line and column, whether
//! the template is on disk, in `templates/`, or built into the binary.

use std::path::Path;

use tera::{Context, ErrorKind, Tera};

use crate::diagnostic::{Diagnostic, Location};
use crate::theme::{TemplateSource, Theme};

/// The templates a theme must provide, one per kind of page.
pub const REQUIRED: [&str; 9] = [
    "index.html",
    "skills.html",
    "skill.html",
    "entry.html",
    "payoffs.html",
    "taxonomy_list.html",
    "taxonomy.html",
    "page.html",
    "404.html",
];

pub struct Templates {
    tera: Tera,
    sources: Vec<TemplateSource>,
}

/// Room for most pages of a portfolio: an entry page with a highlighted code block
/// runs to 20-30 KiB.
const PAGE_ROOM: usize = 48 * 1024;

impl Templates {
    pub fn new(theme: &Theme) -> Result<Templates, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        // tera checks that every function a template calls exists as it reads
        // the templates; each render gives them the site's language.
        super::translate::register(
            &mut tera,
            &std::sync::Arc::new(crate::i18n::Language::english()),
        );
        let sources = theme.templates.clone();
        let missing: Vec<Diagnostic> = REQUIRED
            .iter()
            .filter(|name| !sources.iter().any(|t| t.name == **name))
            .map(|name| {
                Diagnostic::error(format!("the theme has no template `{name}`")).hint(format!(
                    "add templates/{name}, or copy it from the default theme"
                ))
            })
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let result =
            tera.add_raw_templates(sources.iter().map(|t| (t.name.as_str(), t.text.as_str())));
        let templates = Templates { tera, sources };
        match result {
            Ok(()) => Ok(templates),
            Err(e) => Err(vec![templates.diagnostic(None, &e)]),
        }
    }

    /// Sets a variable every page sees.
    pub fn set_global(&mut self, name: &'static str, value: tera::Value) {
        self.tera.global_context().insert_value(name, value);
    }

    /// Gives the templates `t()` and `num` in `language`.
    pub fn speak(&mut self, language: &std::sync::Arc<crate::i18n::Language>) {
        super::translate::register(&mut self.tera, language);
    }

    /// A page as bytes, rendered into room for a typical page from the start:
    /// tera would begin at the template's size and grow the page several times.
    pub fn render_page(&self, name: &str, context: &Context) -> Result<Vec<u8>, Diagnostic> {
        let mut page = Vec::with_capacity(PAGE_ROOM);
        self.tera
            .render_to(name, context, &mut page)
            .map_err(|e| self.diagnostic(Some(name), &e))?;
        Ok(page)
    }

    fn source(&self, name: &str) -> Option<&TemplateSource> {
        self.sources.iter().find(|t| t.name == name)
    }

    fn diagnostic(&self, rendering: Option<&str>, error: &tera::Error) -> Diagnostic {
        let action = match rendering {
            Some(page) => format!("while rendering with `{page}`"),
            None => "while reading the theme's templates".to_string(),
        };
        let hint = "fix the template; `templates/` in the site folder overrides the theme's template of the same name";
        match error.kind() {
            ErrorKind::SyntaxError(report) => {
                let open = self
                    .source(report.filename())
                    .and_then(|source| Some((source, super::tags::unclosed(&source.text)?)));
                match open {
                    Some((source, open)) => unclosed_diagnostic(source, &open, &action),
                    None => self.report_diagnostic(report, &action, hint),
                }
            }
            ErrorKind::RenderingError(report) => self.report_diagnostic(report, &action, hint),
            _ => {
                let d = Diagnostic::error(format!("template error {action}: {error}")).hint(hint);
                match rendering.and_then(|n| self.source(n)) {
                    Some(source) => d.in_file(&source.path),
                    None => d,
                }
            }
        }
    }

    /// tera's own report: its message, at the span it names.
    fn report_diagnostic(
        &self,
        report: &tera::ReportError,
        action: &str,
        hint: &str,
    ) -> Diagnostic {
        let mut d =
            Diagnostic::error(format!("template error {action}: {}", report.message())).hint(hint);
        let name = report.filename();
        if let Some(source) = self.source(name) {
            let span = report.span();
            let line_text = source
                .text
                .lines()
                .nth(span.start_line.saturating_sub(1))
                .unwrap_or("")
                .to_string();
            let width = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col).max(1)
            } else {
                1
            };
            d = d.with_location(Location {
                file: source.path.clone(),
                line: span.start_line.max(1),
                column: span.start_col + 1,
                source_line: line_text,
                width,
            });
        } else if !name.is_empty() {
            d = d.in_file(Path::new(name));
        }
        d
    }
}

/// A block tag never closed, at the tag itself rather than where tera noticed.
fn unclosed_diagnostic(
    source: &TemplateSource,
    open: &super::tags::Unclosed,
    action: &str,
) -> Diagnostic {
    let text = &source.text;
    let opener = &text[open.span.clone()];
    let name = open.name;
    let hint = match &open.met {
        Some(met) => format!(
            "close it with `{{% end{name} %}}` before `{}`",
            &text[met.clone()]
        ),
        None => format!("close it with `{{% end{name} %}}` where its body ends"),
    };
    Diagnostic::error(format!(
        "template error {action}: `{opener}` is never closed"
    ))
    .at(&source.path, text, open.span.start, open.span.len())
    .hint(hint)
}
