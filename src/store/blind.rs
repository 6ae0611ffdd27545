//! Blind marking: in a blind cohort, whoever may not see names (everyone but leads and
//! issuers) sees a candidate number instead of the learner's name, email and id. The rule is
//! here once: [`Store::masked_viewer`] says who is masked, [`shown_learner_sql`] masks rows in
//! SQL, and [`Mask`] masks the text of one submission (its artifact names).

use super::db::{OptionalExtension, Transaction, params};
use anyhow::{Result, anyhow, bail};

use super::{Store, audit, now};
use crate::access::Action;

/// What a masked row shows when its learner has no number yet (never in a consistent
/// workspace; never the name).
const UNNUMBERED: &str = "C-????";

/// The SQL for the learner a row shows, over `submissions s`, `learners l` and `cohorts c`:
/// the candidate number when `viewer` (an SQL parameter, NULL for someone who sees names)
/// is masked, the cohort is blind and the name was not revealed to them; else the name.
pub(super) fn shown_learner_sql(viewer: &str, column: &str) -> String {
    format!(
        "CASE WHEN {viewer} IS NOT NULL AND c.blind = 1 AND NOT EXISTS (SELECT 1 FROM reveals r
              WHERE r.cohort_id = s.cohort_id AND r.learner_id = s.learner_id AND r.assessor = {viewer})
         THEN COALESCE((SELECT k.number FROM candidates k
              WHERE k.cohort_id = s.cohort_id AND k.learner_id = s.learner_id), '{UNNUMBERED}')
         ELSE {column} END"
    )
}

/// The queue filter's text for a submission, lower-cased. A blind row keeps the learner's
/// name and id after a `\x01`: the filter of someone who is masked looks only before it.
pub(super) fn search_text(
    name: &str,
    key: &str,
    cohort_id: &str,
    rubric_id: &str,
    candidate: Option<&str>,
) -> String {
    match candidate {
        Some(number) => format!("{number} {cohort_id} {rubric_id}\u{1}{name} {key}"),
        None => format!("{name} {key} {cohort_id} {rubric_id}"),
    }
    .to_lowercase()
}

/// Which submissions [`refresh`] rewrites.
pub(super) enum Scope<'a> {
    Cohort(&'a str),
    Learner(i64),
}

/// Gives every learner of a blind cohort a number, then rewrites the filter text and the
/// learner sort key of the cohort's submissions from the names and numbers as they are.
pub(super) fn refresh_cohort(tx: &Transaction<'_>, cohort_id: &str) -> Result<()> {
    assign_numbers(tx, cohort_id)?;
    rewrite(tx, Scope::Cohort(cohort_id))
}

/// After a batch of submissions to `cohort_id` (`blind` or not): numbers for its new learners when it is
/// blind (one pass over the cohort per batch, not per learner), then the filter text of
/// `learners` (new in a blind cohort, or renamed) everywhere they have work.
pub(super) fn after_batch(
    tx: &Transaction<'_>,
    cohort_id: &str,
    blind: bool,
    learners: &[i64],
) -> Result<()> {
    if blind {
        assign_numbers(tx, cohort_id)?;
    }
    for l in learners {
        rewrite(tx, Scope::Learner(*l))?;
    }
    Ok(())
}

/// Rewrites the filter text and the learner sort key of the submissions in `scope` from
/// the names and numbers as they are (numbers already drawn).
fn rewrite(tx: &Transaction<'_>, scope: Scope<'_>) -> Result<()> {
    let (cond, arg): (&str, super::db::Value) = match scope {
        Scope::Cohort(c) => ("s.cohort_id = ?1", c.to_string().into()),
        Scope::Learner(id) => ("s.learner_id = ?1", id.into()),
    };
    let rows: Vec<(i64, String, String, String, String, Option<String>)> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT s.id, l.name, l.key, s.cohort_id, c.rubric_id,
                    CASE WHEN c.blind = 1 THEN k.number END
             FROM submissions s JOIN learners l ON l.id = s.learner_id
             JOIN cohorts c ON c.id = s.cohort_id
             LEFT JOIN candidates k ON k.cohort_id = s.cohort_id AND k.learner_id = s.learner_id
             WHERE {cond}"
        ))?;
        let rows = stmt.query_map([arg], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let mut update =
        tx.prepare_cached("UPDATE submissions SET search = ?2, sort_learner = ?3 WHERE id = ?1")?;
    for (id, name, key, cohort, rubric, number) in rows {
        let search = search_text(&name, &key, &cohort, &rubric, number.as_deref());
        let sort = number.as_deref().unwrap_or(&name).to_lowercase();
        update.execute(params![id, search, sort])?;
    }
    Ok(())
}

/// Draws a number for every learner of blind cohort `cohort_id` who has none: `C-` and at
/// least four digits, at random from ten times as many numbers as the cohort has learners,
/// so that a number says nothing of the name or of the order of import.
fn assign_numbers(tx: &Transaction<'_>, cohort_id: &str) -> Result<()> {
    let missing: Vec<i64> = {
        let mut stmt = tx.prepare(
            "SELECT DISTINCT s.learner_id FROM submissions s WHERE s.cohort_id = ?1
               AND NOT EXISTS (SELECT 1 FROM candidates k
                               WHERE k.cohort_id = s.cohort_id AND k.learner_id = s.learner_id)",
        )?;
        let rows = stmt.query_map([cohort_id], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    if missing.is_empty() {
        return Ok(());
    }
    let mut taken: std::collections::HashSet<String> = {
        let mut stmt = tx.prepare("SELECT number FROM candidates WHERE cohort_id = ?1")?;
        let rows = stmt.query_map([cohort_id], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let total = (taken.len() + missing.len()) as u64;
    let mut digits = 4u32;
    while 10u64.pow(digits) - 10u64.pow(digits - 1) < total * 10 {
        digits += 1;
    }
    let mut seed = [0u8; 8];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("no random source: {e}"))?;
    let mut rng = fastrand::Rng::with_seed(u64::from_le_bytes(seed));
    let range = 10u64.pow(digits - 1)..10u64.pow(digits);
    let mut insert = tx.prepare_cached(
        "INSERT INTO candidates (cohort_id, learner_id, number) VALUES (?1, ?2, ?3)",
    )?;
    for learner in missing {
        let number = loop {
            let n = format!("C-{}", rng.u64(range.clone()));
            if taken.insert(n.clone()) {
                break n;
            }
        };
        insert.execute(params![cohort_id, learner, number])?;
    }
    Ok(())
}

/// One blind learner as someone masked sees them: their number, and what to hide.
#[derive(Clone, Debug, PartialEq)]
pub struct Mask {
    pub number: String,
    /// Texts replaced anywhere they occur: the id, the email, the whole name.
    anywhere: Vec<String>,
    /// Parts of the name (three letters or more), replaced as whole words.
    words: Vec<String>,
}

impl Mask {
    pub fn new(number: &str, name: &str, key: &str, email: Option<&str>) -> Mask {
        let mut anywhere: Vec<String> = [Some(key), email, Some(name)]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|t| t.chars().count() >= 2)
            .map(str::to_lowercase)
            .collect();
        // Longest first, so that an id inside an email is not replaced half way.
        anywhere.sort_by_key(|t| std::cmp::Reverse(t.len()));
        let words = name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect();
        Mask {
            number: number.to_string(),
            anywhere,
            words,
        }
    }

    /// `text` with every trace of the learner replaced by their number.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for t in &self.anywhere {
            out = replace_ci(&out, t, &self.number, false);
        }
        for w in &self.words {
            out = replace_ci(&out, w, &self.number, true);
        }
        out
    }
}

/// `hay` with every case-insensitive occurrence of `needle` (lower case) replaced by `with`;
/// with `whole`, only where no letter or digit touches it on either side.
fn replace_ci(hay: &str, needle: &str, with: &str, whole: bool) -> String {
    let needle: Vec<char> = needle.chars().collect();
    let chars: Vec<char> = hay.chars().collect();
    let mut out = String::with_capacity(hay.len());
    let mut i = 0;
    while i < chars.len() {
        let end = i + needle.len();
        let matches = end <= chars.len()
            && chars[i..end]
                .iter()
                .zip(&needle)
                .all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
            && (!whole
                || ((i == 0 || !chars[i - 1].is_alphanumeric())
                    && (end == chars.len() || !chars[end].is_alphanumeric())));
        if matches && !needle.is_empty() {
            out.push_str(with);
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

impl Store {
    /// `Some(user)` when `user` is masked in blind cohorts (they may not see names), else
    /// `None`: the one rule every screen and command asks.
    pub fn masked_viewer(&self, user: &str) -> Result<Option<String>> {
        Ok((!self.may(user, Action::SeeNames)?).then(|| user.to_string()))
    }

    /// The mask `user` sees submission `id` through, if they see it blind.
    pub fn mask_for(&self, user: &str, id: i64) -> Result<Option<Mask>> {
        if self.masked_viewer(user)?.is_none() {
            return Ok(None);
        }
        let mask = self
            .conn
            .query_row(
                "SELECT l.name, l.key, l.email, k.number,
                        EXISTS (SELECT 1 FROM reveals r WHERE r.cohort_id = s.cohort_id
                                AND r.learner_id = s.learner_id AND r.assessor = ?2)
                 FROM submissions s JOIN learners l ON l.id = s.learner_id
                 JOIN cohorts c ON c.id = s.cohort_id
                 LEFT JOIN candidates k ON k.cohort_id = s.cohort_id AND k.learner_id = s.learner_id
                 WHERE s.id = ?1 AND c.blind = 1",
                params![id, user],
                |r| {
                    if r.get::<_, bool>(4)? {
                        return Ok(None);
                    }
                    let number: Option<String> = r.get(3)?;
                    let email: Option<String> = r.get(2)?;
                    Ok(Some(Mask::new(
                        number.as_deref().unwrap_or(UNNUMBERED),
                        &r.get::<_, String>(0)?,
                        &r.get::<_, String>(1)?,
                        email.as_deref(),
                    )))
                },
            )
            .optional()?;
        Ok(mask.flatten())
    }

    /// A mask that shows submission `id`'s learner as `label`, blind cohort or not (exemplars).
    pub(super) fn learner_mask(&self, id: i64, label: &str) -> Result<Mask> {
        let (name, key, email): (String, String, Option<String>) = self.conn.query_row(
            "SELECT l.name, l.key, l.email FROM submissions s
             JOIN learners l ON l.id = s.learner_id WHERE s.id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(Mask::new(label, &name, &key, email.as_deref()))
    }

    /// The candidate number of submission `id`'s learner, when its cohort is blind.
    pub fn candidate_number(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT k.number FROM submissions s JOIN cohorts c ON c.id = s.cohort_id
                 JOIN candidates k ON k.cohort_id = s.cohort_id AND k.learner_id = s.learner_id
                 WHERE s.id = ?1 AND c.blind = 1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Makes a cohort blind (numbering its learners) or sighted again (leads). Returns how
    /// many learners the cohort has numbers for.
    pub fn set_blind(&mut self, cohort_id: &str, blind: bool, actor: &str) -> Result<usize> {
        self.authorize(actor, Action::ConfigureCohort)?;
        let tx = self.write()?;
        let n = tx.execute(
            "UPDATE cohorts SET blind = ?1 WHERE id = ?2",
            params![blind, cohort_id],
        )?;
        if n == 0 {
            bail!(
                "no cohort `{}` (`merit cohort list` shows them)",
                crate::sanitize::line(cohort_id)
            );
        }
        refresh_cohort(&tx, cohort_id)?;
        let numbered: i64 = tx.query_row(
            "SELECT COUNT(*) FROM candidates WHERE cohort_id = ?1",
            [cohort_id],
            |r| r.get(0),
        )?;
        audit::append(
            &tx,
            actor,
            "cohort.set",
            cohort_id,
            if blind { "blind" } else { "not blind" },
        )?;
        tx.commit()?;
        Ok(numbered as usize)
    }

    /// Reveals the name of submission `id`'s learner to `assessor` in its cohort, for a grade
    /// inquiry (leads); `reason` goes to the audit log with it.
    pub fn reveal(&mut self, id: i64, assessor: &str, reason: &str, actor: &str) -> Result<()> {
        self.authorize(actor, Action::RevealName)?;
        let reason = reason.trim();
        if reason.is_empty() {
            bail!("say why the name is revealed (a grade inquiry, and whose)");
        }
        if self.roles_of(assessor)?.is_empty() {
            bail!(
                "{} is not a user of this workspace (`merit user list` shows them)",
                crate::sanitize::line(assessor)
            );
        }
        let tx = self.write()?;
        let row: Option<(String, i64, String, bool)> = tx
            .query_row(
                "SELECT s.cohort_id, s.learner_id, COALESCE(k.number, ''), c.blind
                 FROM submissions s JOIN cohorts c ON c.id = s.cohort_id
                 LEFT JOIN candidates k ON k.cohort_id = s.cohort_id AND k.learner_id = s.learner_id
                 WHERE s.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((cohort, learner, number, blind)) = row else {
            bail!("no submission {id}");
        };
        if !blind {
            bail!(
                "cohort `{}` is not blind: its assessors see names already",
                crate::sanitize::line(&cohort)
            );
        }
        tx.execute(
            "INSERT INTO reveals (cohort_id, learner_id, assessor, revealed_by, reason, revealed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![cohort, learner, assessor, actor, reason, now()],
        )?;
        audit::append(
            &tx,
            actor,
            "candidate.reveal",
            &format!("{cohort} {number}"),
            &format!("to {assessor}: {reason}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The submission of `learner` (their id or candidate number) in `cohort_id`, latest
    /// attempt, for commands that name a learner.
    pub fn learner_submission(&self, cohort_id: &str, learner: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT s.id FROM submissions s JOIN learners l ON l.id = s.learner_id
                 LEFT JOIN candidates k ON k.cohort_id = s.cohort_id AND k.learner_id = s.learner_id
                 WHERE s.cohort_id = ?1 AND (l.key = ?2 OR k.number = ?2)
                 ORDER BY s.attempt DESC LIMIT 1",
                params![cohort_id, learner],
                |r| r.get(0),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mask_hides_id_email_and_name_words() {
        let m = Mask::new("C-4821", "Ana María Ruiz", "ana.ruiz", Some("ana@x.org"));
        assert_eq!(m.apply("ANA.RUIZ-essay.md"), "C-4821-essay.md");
        assert_eq!(m.apply("ruiz_plan.pdf"), "C-4821_plan.pdf");
        assert_eq!(m.apply("marÍa notes.txt"), "C-4821 notes.txt");
        // Whole words only: "analysis" keeps its letters.
        assert_eq!(m.apply("analysis.md"), "analysis.md");
        assert_eq!(m.apply("mail ana@x.org"), "mail C-4821");
    }

    #[test]
    fn search_text_keeps_names_after_the_separator() {
        let s = search_text("Ana", "a1", "c", "r", Some("C-1234"));
        assert_eq!(s, "c-1234 c r\u{1}ana a1");
        assert_eq!(search_text("Ana", "a1", "c", "r", None), "ana a1 c r");
    }
}
