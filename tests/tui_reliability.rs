//! The reliability screen (leads): snapshots at 80×24 and 160×48, and without colour,
//! where the agreement matrix still reads (counts written, shades as bold and reverse).

mod common;

use std::collections::HashMap;

use common::tui::*;
use merit::reliability::report::{self, Report};
use merit::store::reliability::{MarkedPair, Marking};
use merit::tui::app::App;
use merit::tui::message::{DbReply, Msg};
use merit::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

/// Thirty double-marked submissions of data-cleaning by three assessors: amir marks a
/// level below his co-assessor on one criterion in three.
fn report() -> Report {
    let (rubric, _) = common::bundled("data-cleaning.yaml");
    let people = ["amir", "bea", "chen"];
    let pairs: Vec<MarkedPair> = (0..30)
        .map(|i: usize| {
            let first = people[i % 3];
            let second = people[(i + 1) % 3];
            let marking = |who: &str, shift: bool| Marking {
                assessor: who.into(),
                decision: if (i + usize::from(shift)).is_multiple_of(4) {
                    "not_yet".into()
                } else {
                    "meets".into()
                },
                levels: rubric
                    .criteria
                    .iter()
                    .enumerate()
                    .map(|(c, crit)| {
                        let base = (i + c) % 3;
                        let lower = shift && (i + c) % 3 == 1;
                        let level = if lower { base.saturating_sub(1) } else { base };
                        (crit.id.value.clone(), crit.levels[level].id.value.clone())
                    })
                    .collect(),
            };
            MarkedPair {
                submission_id: i as i64 + 1,
                rubric_hash: "h".into(),
                first: marking(first, first == "amir"),
                second: marking(second, second == "amir"),
            }
        })
        .collect();
    let rubrics = HashMap::from([("h".to_string(), rubric)]);
    report::compute(&pairs, &rubrics, report::DEFAULT_SEED)
}

fn lead_app(w: u16, h: u16, theme: Theme) -> App {
    let mut s = session();
    s.user = "lena".into();
    s.is_lead = true;
    let mut a = App::new(s, theme, (w, h), NOW);
    a.update(key('I'));
    a.update(Msg::Db(DbReply::Reliability(Ok(Box::new(report())))));
    a
}

#[test]
fn reliability_screen() {
    for (w, h) in [(80, 24), (160, 48)] {
        let a = lead_app(w, h, Theme { color: true });
        insta::assert_snapshot!(format!("reliability_{w}x{h}"), render(&a));
    }
}

/// Without colour: no cell has a colour, and the matrix's shades are modifiers (a mask:
/// R reversed, B bold, U underlined on the diagonal, d dim).
#[test]
fn reliability_screen_without_colour() {
    let a = lead_app(80, 24, Theme::plain());
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| a.draw(f)).unwrap();
    let buf = t.backend().buffer().clone();
    let mut mask = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            assert!(
                matches!(c.fg, Color::Reset) && matches!(c.bg, Color::Reset),
                "a colour at {x},{y}"
            );
            let m = c.modifier;
            mask.push(if m.contains(Modifier::REVERSED) {
                'R'
            } else if m.contains(Modifier::UNDERLINED) {
                'U'
            } else if m.contains(Modifier::BOLD) {
                'B'
            } else if m.contains(Modifier::DIM) {
                'd'
            } else {
                '.'
            });
        }
        mask.push('\n');
    }
    insta::assert_snapshot!(
        "reliability_no_color_80x24",
        format!("{}\n{mask}", render(&a))
    );
}

/// Assessors are told the screen is for leads; `j` moves to the next criterion.
#[test]
fn only_leads_open_it_and_j_moves_between_criteria() {
    let mut a = queue_app(80, 24, 3);
    a.update(key('I'));
    assert!(render(&a).contains("For leads"));
    let mut a = lead_app(120, 40, Theme { color: true });
    let first = render(&a);
    a.update(key('j'));
    let second = render(&a);
    assert_ne!(first, second);
    assert!(second.contains("Correct"), "{second}");
}
