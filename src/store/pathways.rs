//! Pathways in the workspace: versions as imported, and who holds the badges that earn one.

use std::collections::BTreeMap;

use super::db::{OptionalExtension, params};
use anyhow::{Result, anyhow, bail};
use serde::Serialize;

use super::{Store, audit, now};
use crate::access::Action;
use crate::pathway::{self, Pathway, eval::Held};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PathwayVersion {
    pub pathway_id: String,
    pub version: i64,
    pub hash: String,
    pub title: String,
    pub created_at: i64,
    pub created_by: String,
    pub current: bool,
}

/// What importing one pathway file did.
#[derive(Clone, Debug, PartialEq)]
pub struct PathwayImport {
    pub id: String,
    pub version: i64,
    /// A new version was stored (false: the same content was there already).
    pub new: bool,
}

/// Where one learner stands on a pathway.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LearnerStanding {
    pub learner: String,
    pub name: String,
    /// `earned` or `missing`.
    pub status: String,
    pub missing: Vec<String>,
    /// The learner's unrevoked program credential of this pathway, if any.
    pub program_credential: Option<String>,
    /// Its components revoked or expired since it was issued: the issuer decides whether to
    /// revoke it (`merit revoke`).
    pub lapsed_components: Vec<String>,
}

/// A pathway at a glance, for the workbench's cohorts screen.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PathwaySummary {
    pub id: String,
    pub title: String,
    pub version: i64,
    /// Learners who have earned it and hold no program credential of it yet.
    pub waiting: usize,
    /// Learners holding an unrevoked program credential of it.
    pub issued: usize,
    /// Of those, whose program credential rests on a revoked or expired component.
    pub flagged: usize,
    /// Learners one badge away.
    pub one_away: usize,
}

impl Store {
    /// Every current pathway at a glance, for those who may see who earned one (leads and
    /// issuers); nothing for anyone else.
    pub fn pathway_summaries(&mut self, actor: &str) -> Result<Vec<PathwaySummary>> {
        if !self.may(actor, Action::ReadPathways)? {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for v in self
            .pathway_versions(None)?
            .into_iter()
            .filter(|v| v.current)
        {
            let rows = self.pathway_status(&v.pathway_id, None, actor)?;
            out.push(PathwaySummary {
                waiting: rows
                    .iter()
                    .filter(|l| l.status == "earned" && l.program_credential.is_none())
                    .count(),
                issued: rows
                    .iter()
                    .filter(|l| l.program_credential.is_some())
                    .count(),
                flagged: rows
                    .iter()
                    .filter(|l| !l.lapsed_components.is_empty())
                    .count(),
                one_away: rows.iter().filter(|l| l.missing.len() == 1).count(),
                id: v.pathway_id,
                title: v.title,
                version: v.version,
            });
        }
        Ok(out)
    }

    /// Stores `p` (parsed from `source`) as a pathway version (leads); every rubric it names
    /// must be in the workspace.
    pub fn import_pathway(
        &mut self,
        p: &Pathway,
        source: &str,
        path: Option<&str>,
        actor: &str,
    ) -> Result<PathwayImport> {
        self.authorize(actor, Action::ImportPathway)?;
        let known: Vec<String> = self.rubric_overview()?.into_iter().map(|r| r.id).collect();
        if let Some(problem) = pathway::resolve(p, &known).first() {
            bail!("{problem}");
        }
        let hash = pathway::version_hash(p);
        let id = p.id.value.clone();
        let tx = self.write()?;
        if let Some(version) = tx
            .query_row(
                "SELECT version FROM pathway_versions WHERE hash = ?1",
                [&hash],
                |r| r.get(0),
            )
            .optional()?
        {
            return Ok(PathwayImport {
                id,
                version,
                new: false,
            });
        }
        let version: i64 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM pathway_versions WHERE pathway_id = ?1",
            [&id],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO pathway_versions (hash, pathway_id, version, title, source, canonical,
                                           source_path, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                hash,
                id,
                version,
                p.title.value,
                source,
                pathway::canonical_json(p),
                path,
                now(),
                actor
            ],
        )?;
        tx.execute(
            "INSERT INTO pathways (id, current_hash) VALUES (?1, ?2)
             ON CONFLICT (id) DO UPDATE SET current_hash = excluded.current_hash",
            params![id, hash],
        )?;
        audit::append(
            &tx,
            actor,
            "pathway.import",
            &id,
            &format!("version {version} ({hash})"),
        )?;
        tx.commit()?;
        Ok(PathwayImport {
            id,
            version,
            new: true,
        })
    }

    /// Every version of every pathway (or of one), newest last.
    pub fn pathway_versions(&self, id: Option<&str>) -> Result<Vec<PathwayVersion>> {
        let mut stmt = self.conn.prepare(
            "SELECT v.pathway_id, v.version, v.hash, v.title, v.created_at, v.created_by,
                    p.current_hash = v.hash
             FROM pathway_versions v JOIN pathways p ON p.id = v.pathway_id
             WHERE ?1 IS NULL OR v.pathway_id = ?1 ORDER BY v.pathway_id, v.version",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(PathwayVersion {
                pathway_id: r.get(0)?,
                version: r.get(1)?,
                hash: r.get(2)?,
                title: r.get(3)?,
                created_at: r.get(4)?,
                created_by: r.get(5)?,
                current: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A pathway version as stored, parsed again: `ID` (current) or `ID@N`.
    pub fn load_pathway(&self, spec: &str) -> Result<(PathwayVersion, Pathway)> {
        let (id, version) = match spec.split_once('@') {
            Some((id, n)) => (
                id,
                Some(n.parse::<i64>().map_err(|_| {
                    anyhow!("`{}`: a version is a number", crate::sanitize::line(spec))
                })?),
            ),
            None => (spec, None),
        };
        let v = self
            .pathway_versions(Some(id))?
            .into_iter()
            .rfind(|v| version.map_or(v.current, |n| v.version == n))
            .ok_or_else(|| {
                anyhow!(
                    "no pathway `{}` in this workspace (`merit pathway list` shows them)",
                    crate::sanitize::line(spec)
                )
            })?;
        let source: String = self.conn.query_row(
            "SELECT source FROM pathway_versions WHERE hash = ?1",
            [&v.hash],
            |r| r.get(0),
        )?;
        let p = pathway::parse(source.as_bytes())
            .map_err(|ps| anyhow!("stored pathway {} no longer parses: {}", v.hash, ps[0]))?;
        Ok((v, p))
    }

    /// Current badges (not revoked, not expired) by learner key, with names: every
    /// learner's, or only `learner`'s.
    pub fn held_badges(&self, learner: Option<&str>) -> Result<BTreeMap<String, (String, Held)>> {
        Ok(self
            .holders(learner)?
            .into_iter()
            .map(|(key, h)| {
                let mut held = Held::default();
                for b in &h.badges {
                    held.add(&b.rubric_id, b.issued_at);
                }
                (key, (h.name, held))
            })
            .collect())
    }

    /// Who has earned pathway `id` and who has not yet, of every learner holding at least one
    /// of its badges (or only `learner`), earned first (leads and issuers).
    pub fn pathway_status(
        &mut self,
        id: &str,
        learner: Option<&str>,
        actor: &str,
    ) -> Result<Vec<LearnerStanding>> {
        self.authorize(actor, Action::ReadPathways)?;
        let (version, p) = self.load_pathway(id)?;
        let components = p.requires.rubric_ids();
        let mut out: Vec<LearnerStanding> = self
            .held_badges(learner)?
            .into_iter()
            .filter(|(key, (_, held))| {
                learner.map_or_else(
                    || components.iter().any(|c| held.0.contains_key(*c)),
                    |l| l == key,
                )
            })
            .map(|(key, (name, held))| {
                let missing = pathway::eval::missing(&p.requires, &held);
                LearnerStanding {
                    learner: key,
                    name,
                    status: if missing.is_empty() {
                        "earned"
                    } else {
                        "missing"
                    }
                    .into(),
                    missing,
                    program_credential: None,
                    lapsed_components: Vec::new(),
                }
            })
            .collect();
        // Program credentials issued: flagged where a component lapsed since; a holder whose
        // components all lapsed is listed too.
        for award in self.program_awards(Some(&version.pathway_id), learner)? {
            if !award.current {
                continue;
            }
            let at = match out.iter().position(|l| l.learner == award.learner) {
                Some(i) => i,
                None => {
                    out.push(LearnerStanding {
                        learner: award.learner.clone(),
                        name: award.learner_name.clone(),
                        status: "missing".into(),
                        missing: pathway::eval::missing(&p.requires, &Held::default()),
                        program_credential: None,
                        lapsed_components: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            out[at].program_credential = Some(award.credential_id);
            out[at].lapsed_components = award.lapsed;
        }
        // A learner asked for by id who holds none of its badges yet.
        if let Some(key) = learner
            && out.is_empty()
        {
            let name: Option<String> = self
                .conn
                .query_row("SELECT name FROM learners WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?;
            let Some(name) = name else {
                bail!(
                    "no learner `{}` in this workspace",
                    crate::sanitize::line(key)
                );
            };
            out.push(LearnerStanding {
                learner: key.to_string(),
                name,
                status: "missing".into(),
                missing: pathway::eval::missing(&p.requires, &Held::default()),
                program_credential: None,
                lapsed_components: Vec::new(),
            });
        }
        out.sort_by(|a, b| (a.missing.len(), &a.learner).cmp(&(b.missing.len(), &b.learner)));
        Ok(out)
    }
}
