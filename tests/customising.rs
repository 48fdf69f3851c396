//! Making a portfolio one's own from `site.toml` alone: an accent colour, an
//! avatar, profile links, menu entries and a footer line show in both built-in
//! themes, `theme = "paper"` works without a themes folder, and each of these
//! keys written wrong gets a located message saying what to write.

mod common;

use std::fs;
use std::path::Path;

use common::{build, fixture, read, run, stderr};
use skillfolio::colour::{Accent, Rgb};
use tempfile::TempDir;

const MONOGRAM: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="32" fill="#1e40af"/></svg>"##;

/// The fixture site with `top` added to the top of site.toml and `author` to its
/// `[author]` table, and a square avatar in static/.
fn site_with(top: &str, author: &str) -> TempDir {
    let site = fixture("site");
    let config = format!(
        "title = \"Fixture portfolio\"\nbase_url = \"https://example.org/portfolio/\"\ntoday = 2026-10-10\n{top}\n[author]\nname = \"Test Author\"\n{author}\n"
    );
    fs::write(site.path().join("site.toml"), config).unwrap();
    fs::write(site.path().join("static/me.svg"), MONOGRAM).unwrap();
    site
}

const OWN: &str = r##"accent = "#1d4ed8"
footer = "Practised *slowly*; see [the tags](/tags/)"
[[menu]]
name = "Tags"
url = "tags/"
[[menu]]
name = "Elsewhere"
url = "https://example.com/"
"##;

const OWN_AUTHOR: &str = r##"avatar = "me.svg"
social = [
  { name = "GitHub", url = "https://github.com/" },
  { name = "Email", url = "mailto:someone@example.org" },
]
"##;

/// Asserts what every page of both themes shows of the keys in [`OWN`].
fn shows_menu_social_and_footer(html: &str, base: &str) {
    assert!(
        html.contains(&format!(r##"<a href="{base}tags/">Tags</a>"##)),
        "{html}"
    );
    assert!(html.contains(r##"<a href="https://example.com/">Elsewhere</a>"##));
    assert!(html.contains(r##"<ul class="social" aria-label="Elsewhere">"##));
    assert!(html.contains(r##"<li><a href="https://github.com/" rel="me">GitHub</a></li>"##));
    assert!(html.contains(r##"<li><a href="mailto:someone@example.org" rel="me">Email</a></li>"##));
    assert!(html.contains(&format!(
        r##"Practised <em>slowly</em>; see <a href="{base}tags/">the tags</a>"##
    )));
}

#[test]
fn the_default_theme_shows_the_accent_avatar_links_menu_and_footer() {
    let site = site_with(OWN, OWN_AUTHOR);
    let public = build(site.path(), &[]);
    let home = read(public.join("index.html"));
    // The dark shade is the accent lightened until it reads on the theme's dark
    // background, #15171a.
    let accent = Accent::new(
        Rgb::parse("#1d4ed8").unwrap(),
        None,
        Rgb::parse("#fbfaf7").unwrap(),
        Rgb::parse("#15171a").unwrap(),
    );
    let dark = accent.dark;
    assert_ne!(dark.hex(), "#1d4ed8");
    assert!(dark.contrast(Rgb::parse("#15171a").unwrap()) >= 4.5);
    assert!(
        home.contains("<style>:root{--accent:#1d4ed8;--accent-soft:"),
        "{home}"
    );
    assert!(home.contains(&format!(
        "@media (prefers-color-scheme: dark){{:root{{--accent:{};",
        dark.hex()
    )));
    // The picture is shown at 96 CSS pixels, named by the author's name.
    assert!(home.contains(
        r##"<img class="avatar" src="/portfolio/me.svg" alt="Test Author" width="96" height="96">"##
    ));
    assert_eq!(read(public.join("me.svg")), MONOGRAM);
    shows_menu_social_and_footer(&home, "/portfolio/");
    // The footer line replaces the theme's own, on every page.
    let skills = read(public.join("skills/index.html"));
    shows_menu_social_and_footer(&skills, "/portfolio/");
    assert!(!skills.contains("built with skillfolio"));
}

#[test]
fn menu_and_footer_links_follow_another_base_url() {
    let site = site_with(OWN, OWN_AUTHOR);
    let public = build(site.path(), &["--base-url", "https://someone.github.io/p/"]);
    let home = read(public.join("index.html"));
    shows_menu_social_and_footer(&home, "/p/");
    assert!(home.contains(r##"src="/p/me.svg""##));
}

#[test]
fn paper_is_built_in_and_takes_the_same_keys() {
    let site = site_with(&format!("theme = \"paper\"\n{OWN}"), OWN_AUTHOR);
    assert!(!site.path().join("themes").exists());
    let public = build(site.path(), &[]);
    let embedded = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/paper/static/paper.css");
    assert_eq!(read(public.join("paper.css")), read(embedded));
    assert!(!public.join("style.css").exists());
    let home = read(public.join("index.html"));
    assert!(home.contains(r##"<link rel="stylesheet" href="/portfolio/paper.css">"##));
    assert!(home.contains("<style>:root{--mark:#1d4ed8}"), "{home}");
    assert!(home.contains(r##"<img class="avatar" src="/portfolio/me.svg" alt="Test Author""##));
    shows_menu_social_and_footer(&home, "/portfolio/");
}

#[test]
fn a_theme_folder_on_disk_wins_over_the_built_in_one() {
    let site = site_with("theme = \"paper\"", "");
    let own = site.path().join("themes/paper");
    common::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/paper"),
        &own,
    );
    fs::write(own.join("static/paper.css"), "body { color: teal; }\n").unwrap();
    let public = build(site.path(), &[]);
    assert_eq!(read(public.join("paper.css")), "body { color: teal; }\n");
}

#[test]
fn without_the_keys_the_themes_look_as_they_did() {
    let site = site_with("", "");
    let home = read(build(site.path(), &[]).join("index.html"));
    assert!(!home.contains("<style>"));
    assert!(!home.contains("rel=\"me\""));
    assert!(!home.contains("class=\"avatar\""));
    assert!(home.contains("built with skillfolio"));
}

#[test]
fn a_photo_avatar_in_content_is_shown_from_a_resized_copy() {
    let site = site_with("", "avatar = \"me.png\"");
    image::RgbImage::from_pixel(600, 400, image::Rgb([30, 64, 175]))
        .save(site.path().join("content/me.png"))
        .unwrap();
    let public = build(site.path(), &[]);
    let home = read(public.join("index.html"));
    assert!(
        home.contains(
            r##"src="/portfolio/me.480w.png" alt="Test Author" width="96" height="64">"##
        ),
        "{home}"
    );
    assert!(public.join("me.480w.png").exists());
}

#[test]
fn an_accent_that_does_not_read_is_a_warning_with_a_shade_that_does() {
    let site = site_with("accent = \"#facc15\"", "");
    let out = run(site.path(), &["build"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: `accent` #facc15 has a contrast of 1.5:1 against the light background #fbfaf7 of the default theme: links in it are hard to read\n --> site.toml:4:10\n"),
        "{err}"
    );
    let readable = Rgb::parse("#facc15")
        .unwrap()
        .readable_on(Rgb::parse("#fbfaf7").unwrap());
    assert!(err.contains(&format!(
        "hint: text needs at least 4.5:1; `accent = \"{}\"` is the nearest shade of it that reads",
        readable.hex()
    )));
}

/// Builds the site, which must fail, and returns the report after asserting it
/// names `location` and says `says`.
fn refused(site: &TempDir, location: &str, says: &str) -> String {
    let out = run(site.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("--> {location}\n")), "{err}");
    assert!(err.contains(says), "{err}");
    err
}

#[test]
fn a_colour_that_is_not_hex_digits_is_refused() {
    let site = site_with("accent = \"red\"", "");
    let err = refused(
        &site,
        "site.toml:4:10",
        "error: `accent` must be a colour written #rgb or #rrggbb, found `red`",
    );
    assert!(
        err.contains("hint: write it like `accent = \"#9a3412\"`"),
        "{err}"
    );
}

#[test]
fn a_profile_link_that_is_not_a_web_or_mail_address_is_refused() {
    let site = site_with(
        "",
        "[[author.social]]\nname = \"GitHub\"\nurl = \"github.com/someone\"",
    );
    let err = refused(
        &site,
        "site.toml:9:7",
        "error: the `url` of a profile must start with https://, http:// or mailto:",
    );
    assert!(
        err.contains(
            "hint: write the profile's full address, e.g. `url = \"https://github.com/you\"`"
        ),
        "{err}"
    );
}

#[test]
fn a_menu_entry_with_a_script_or_no_name_is_refused() {
    let site = site_with(
        "[[menu]]\nurl = \"javascript:alert(1)\"\ncolour = \"red\"",
        "",
    );
    let err = refused(
        &site,
        "site.toml:5:7",
        "error: the `url` of a menu entry must start with https://, http:// or mailto:, or be a path of the site",
    );
    assert!(err.contains("error: missing required key `name`"), "{err}");
    assert!(
        err.contains("error: unknown key `colour` in `[[menu]]` of site.toml"),
        "{err}"
    );
}

#[test]
fn an_avatar_that_is_not_there_is_refused() {
    let site = site_with("", "avatar = \"portrait.jpg\"");
    let err = refused(
        &site,
        "site.toml:7:10",
        "error: the avatar portrait.jpg is neither static/portrait.jpg nor content/portrait.jpg",
    );
    assert!(err.contains("hint: put the picture in static/"), "{err}");
}

#[test]
fn a_footer_of_more_than_a_line_is_refused() {
    let site = site_with("footer = \"\"\"\nOne.\n\nTwo.\n\"\"\"", "");
    refused(
        &site,
        "site.toml:4:10",
        "error: `footer` is more than one line",
    );
}

#[test]
fn an_unknown_theme_lists_the_built_in_ones() {
    let site = site_with("theme = \"notebook\"", "");
    refused(
        &site,
        "site.toml:4:9",
        "error: unknown theme `notebook`: it is not built in and there is no folder themes/notebook/",
    );
    let err = refused(
        &site,
        "site.toml:4:9",
        "the themes are `default` (built in), `paper` (built in); a theme of your own goes in its own folder under themes/",
    );
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn a_menu_entry_to_a_page_that_is_not_built_is_named_at_its_line() {
    let site = site_with("[[menu]]\nname = \"Now\"\nurl = \"now/\"", "");
    let out = run(site.path(), &["build"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(
            "warning: link to `/portfolio/now/` leads nowhere: the site has no such page or file"
        ),
        "{err}"
    );
    assert!(err.contains(" --> site.toml:6:8\n"), "{err}");
    assert_eq!(err.matches("link to `/portfolio/now/`").count(), 1, "{err}");
}

/// A theme's own skill page sees `skill.weeks` as documented: every Monday
/// from the first practised week to this one, with the minutes and sessions
/// of that week (a draft's count for nothing), none left out for want of
/// practice, and the date in its three forms. Skills share the values of their common weeks, which must
/// not make one skill's week read as another's.
#[test]
fn a_theme_sees_every_week_of_a_skill_with_its_own_practice() {
    let site = site_with("", "");
    fs::write(
        site.path().join("templates/skill.html"),
        "{% for w in skill.weeks %}{% for k, v in w %}{{ k }} {% endfor %}\
         {{ w.start.iso }} {{ w.start.display }} {{ w.start.short }} {{ w.minutes }} {{ w.sessions }}\n\
         {% endfor %}",
    )
    .unwrap();
    let public = build(site.path(), &[]);
    assert_eq!(
        read(public.join("skills/perfect-omelette/index.html")),
        "start minutes sessions 2026-09-28 28 September 2026 28 Sep 55 2\n\
         start minutes sessions 2026-10-05 5 October 2026 5 Oct 0 0\n"
    );
    assert_eq!(
        read(public.join("skills/knife-work/index.html")),
        "start minutes sessions 2026-09-28 28 September 2026 28 Sep 15 1\n\
         start minutes sessions 2026-10-05 5 October 2026 5 Oct 0 0\n"
    );
}

/// A theme's own entry page sees each entry's `date`, `tags` and `skill` as
/// documented. Entries share the values of their common dates and tags, which
/// must not give one entry another's date, or a tag another's spelling.
#[test]
fn a_theme_sees_each_entry_with_its_own_date_tags_and_skill() {
    let site = site_with("", "");
    let fold = site
        .path()
        .join("content/skills/perfect-omelette/log/2026-10-03-fold.md");
    let text = read(&fold).replacen(
        "minutes = 25",
        "minutes = 25\ntags = [\"Beans\", \"eggs\"]",
        1,
    );
    fs::write(&fold, text).unwrap();
    fs::write(
        site.path().join("templates/entry.html"),
        "{{ entry.date.iso }} {{ entry.date.display }} {{ entry.date.short }}|\
         {% for t in entry.tags %}{{ t.name }} {{ t.slug }} {{ t.url }};{% endfor %}|\
         {{ entry.skill.slug }} {{ entry.skill.title }} {{ entry.skill.url }}",
    )
    .unwrap();
    let public = build(site.path(), &[]);
    let page = |slug: &str| read(public.join(format!("skills/perfect-omelette/{slug}/index.html")));
    assert_eq!(
        page("2026-10-01-first"),
        "2026-10-01 1 October 2026 1 Oct|beans beans /portfolio/tags/beans/;|\
         perfect-omelette The perfect omelette /portfolio/skills/perfect-omelette/"
    );
    assert_eq!(
        page("2026-10-03-fold"),
        "2026-10-03 3 October 2026 3 Oct|Beans beans /portfolio/tags/beans/;eggs eggs /portfolio/tags/eggs/;|\
         perfect-omelette The perfect omelette /portfolio/skills/perfect-omelette/"
    );
}
