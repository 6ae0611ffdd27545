//! The SQLite schema, as an ordered list of migrations keyed on `PRAGMA user_version`.

use super::db::{Connection, Transaction, params};
use anyhow::{Context, Result, bail};

/// Migration N (1-based) brings the schema from version N-1 to N. Never edit a released one;
/// add a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
    CREATE TABLE rubric_versions (
        hash        TEXT PRIMARY KEY,          -- SHA-256 of the canonical content
        rubric_id   TEXT NOT NULL,
        version     INTEGER NOT NULL,          -- 1, 2, … per rubric id
        title       TEXT NOT NULL,
        source      TEXT NOT NULL,             -- the YAML as given, comments and all
        canonical   TEXT NOT NULL,             -- canonical JSON that `hash` is taken of
        source_path TEXT,                      -- file it was imported from, if any
        created_at  INTEGER NOT NULL,
        created_by  TEXT NOT NULL,
        UNIQUE (rubric_id, version)
    );
    CREATE TABLE rubrics (
        id           TEXT PRIMARY KEY,
        current_hash TEXT NOT NULL REFERENCES rubric_versions(hash)
    );
    CREATE TABLE users (
        name     TEXT NOT NULL,
        role     TEXT NOT NULL CHECK (role IN ('lead', 'assessor', 'issuer')),
        added_at INTEGER NOT NULL,
        added_by TEXT NOT NULL,
        PRIMARY KEY (name, role)
    );
    CREATE TABLE learners (
        id    INTEGER PRIMARY KEY,
        key   TEXT NOT NULL UNIQUE,            -- folder name or manifest learner_id
        name  TEXT NOT NULL,
        email TEXT
    );
    CREATE TABLE cohorts (
        id         TEXT PRIMARY KEY,           -- short slug
        name       TEXT NOT NULL,
        rubric_id  TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE submissions (
        id           INTEGER PRIMARY KEY,
        cohort_id    TEXT NOT NULL REFERENCES cohorts(id),
        learner_id   INTEGER NOT NULL REFERENCES learners(id),
        attempt      INTEGER NOT NULL,
        rubric_hash  TEXT NOT NULL REFERENCES rubric_versions(hash),
        content_hash TEXT NOT NULL,            -- over the artifact names and hashes
        status       TEXT NOT NULL DEFAULT 'new' CHECK (status IN
                     ('new', 'in_progress', 'scored', 'second_marking', 'approved', 'not_yet', 'superseded')),
        claimed_by   TEXT,
        claimed_at   INTEGER,
        created_at   INTEGER NOT NULL,
        UNIQUE (cohort_id, learner_id, attempt)
    );
    CREATE INDEX submissions_queue ON submissions (status, created_at, id);
    CREATE INDEX submissions_cohort ON submissions (cohort_id, status);
    CREATE TABLE artifacts (
        id            INTEGER PRIMARY KEY,
        submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
        name          TEXT NOT NULL,           -- relative path as submitted, or the URL
        kind          TEXT NOT NULL,           -- text, markdown, code, csv, image, pdf, url, binary
        requirement   TEXT,                    -- evidence requirement id it answers
        sha256        TEXT,                    -- content hash (NULL for URLs)
        size          INTEGER,
        url           TEXT,
        UNIQUE (submission_id, name)
    );
    CREATE TABLE assessments (
        id               INTEGER PRIMARY KEY,
        submission_id    INTEGER NOT NULL REFERENCES submissions(id),
        assessor         TEXT NOT NULL,
        state            TEXT NOT NULL CHECK (state IN ('draft', 'submitted')),
        decision         TEXT CHECK (decision IN ('meets', 'not_yet')),
        overall_feedback TEXT NOT NULL DEFAULT '',
        weighted_total   REAL,
        time_spent_secs  INTEGER NOT NULL DEFAULT 0,
        updated_at       INTEGER NOT NULL,
        submitted_at     INTEGER,
        UNIQUE (submission_id, assessor)
    );
    CREATE TABLE assessment_scores (
        assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        criterion_id  TEXT NOT NULL,
        level_id      TEXT,
        comment       TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (assessment_id, criterion_id)
    );
    CREATE TABLE awards (
        id              INTEGER PRIMARY KEY,
        submission_id   INTEGER NOT NULL UNIQUE REFERENCES submissions(id),
        credential_id   TEXT NOT NULL UNIQUE,
        credential_json TEXT NOT NULL,
        status_index    INTEGER NOT NULL UNIQUE,
        issued_at       INTEGER NOT NULL,
        issued_by       TEXT NOT NULL,
        revoked_at      INTEGER,
        revoked_reason  TEXT
    );
    CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        subject   TEXT NOT NULL,
        detail    TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
    );
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    "#,
    // 2: the assessor's queue. `search` holds the lower-cased text the filter matches
    // (learner name and id, cohort, rubric), so that filtering scans one covering index per
    // sort order instead of joining every row.
    r#"
    ALTER TABLE submissions ADD COLUMN search TEXT NOT NULL DEFAULT '';
    UPDATE submissions SET search = lower(
        (SELECT l.name || ' ' || l.key FROM learners l WHERE l.id = submissions.learner_id)
        || ' ' || cohort_id || ' ' || (SELECT c.rubric_id FROM cohorts c WHERE c.id = submissions.cohort_id));
    CREATE INDEX submissions_by_age ON submissions (created_at, id, status, search);
    CREATE INDEX submissions_by_cohort ON submissions (cohort_id, created_at, id, status, search);
    CREATE INDEX submissions_by_status ON submissions (status, created_at, id, search);
    CREATE INDEX submissions_by_learner ON submissions (learner_id);
    CREATE INDEX submissions_claims ON submissions (claimed_at) WHERE claimed_by IS NOT NULL;
    DROP INDEX submissions_queue;
    "#,
    // 3: who is editing which rubric, so that two leads are told of each other.
    r#"
    CREATE TABLE rubric_edits (
        rubric_id TEXT NOT NULL,
        editor    TEXT NOT NULL,
        base_hash TEXT NOT NULL,
        seen_at   INTEGER NOT NULL,
        PRIMARY KEY (rubric_id, editor)
    );
    "#,
    // 4: counters handed out in blocks (status list indexes reserved for a signing batch).
    r#"
    CREATE TABLE counters (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
    "#,
    // 5: parts of credentials that many share (the issuer profile, a rubric's achievement),
    // stored once by hash; an award's credential_json names them (see store/awards.rs).
    r#"
    CREATE TABLE credential_parts (
        hash TEXT PRIMARY KEY,
        json TEXT NOT NULL
    );
    "#,
    // 6: second marking. A lead sends an assessed submission to a second, independent
    // assessor; when the two decisions differ, a lead decides, and that decision is kept here.
    r#"
    CREATE TABLE second_markings (
        submission_id INTEGER PRIMARY KEY REFERENCES submissions(id),
        requested_by  TEXT NOT NULL,
        requested_at  INTEGER NOT NULL,
        resolved_by   TEXT,
        resolved_at   INTEGER,
        decision      TEXT CHECK (decision IN ('meets', 'not_yet')),
        note          TEXT
    );
    "#,
    // 7: policies: controls a workspace's admins set (`merit policy set`), kept in the
    // database, never in a file an assessor could edit; every change is in the audit log.
    r#"
    CREATE TABLE policies (
        name   TEXT PRIMARY KEY,
        value  TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_at INTEGER NOT NULL
    );
    "#,
    // 8: the admin role, who manages users and policies. The CHECK lists the roles, so the
    // table is rebuilt, every row kept. Who becomes admin is decided in `migrate`.
    r#"
    CREATE TABLE users_v8 (
        name     TEXT NOT NULL,
        role     TEXT NOT NULL CHECK (role IN ('admin', 'lead', 'assessor', 'issuer')),
        added_at INTEGER NOT NULL,
        added_by TEXT NOT NULL,
        PRIMARY KEY (name, role)
    );
    INSERT INTO users_v8 (name, role, added_at, added_by)
        SELECT name, role, added_at, added_by FROM users;
    DROP TABLE users;
    ALTER TABLE users_v8 RENAME TO users;
    "#,
    // 9: versioned audit entries. Entries written from here on are version 2: their hash
    // also covers `record`, the SHA-256 of the row they speak for (an assessment, a decision,
    // an award, a revocation), so that `merit audit verify` can hold the tables to the log.
    // Older entries keep version 1 and their hashes.
    r#"
    ALTER TABLE audit_log ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE audit_log ADD COLUMN record TEXT NOT NULL DEFAULT '';
    "#,
    // 10: each credential's public page (`merit publish`), at /c/<token>/: the token is
    // random (128 bits), not the time-ordered credential id, so pages cannot be listed or
    // guessed. A withdrawn page is taken down at the next publish; the credential stays valid.
    r#"
    CREATE TABLE pages (
        credential_id TEXT PRIMARY KEY REFERENCES awards(credential_id),
        token         TEXT NOT NULL UNIQUE,
        withdrawn_at  INTEGER,
        withdrawn_by  TEXT
    );
    "#,
    // 11: whether a cohort's credential pages show the learner's name (`merit cohort set`).
    r#"
    ALTER TABLE cohorts ADD COLUMN page_names INTEGER NOT NULL DEFAULT 1;
    "#,
    // 12: messages to learners (`merit notify`), recorded when the server accepted them, so
    // that running it again sends only what was not sent.
    r#"
    CREATE TABLE notifications (
        submission_id INTEGER NOT NULL REFERENCES submissions(id),
        kind          TEXT NOT NULL,
        message_id    TEXT NOT NULL,
        recipient     TEXT NOT NULL,
        sent_at       INTEGER NOT NULL,
        sent_by       TEXT NOT NULL,
        PRIMARY KEY (submission_id, kind)
    );
    "#,
    // 13: a rubric version's own badge picture (`achievement.image` naming a file), kept
    // with the version: the YAML names the file, its hash is in the canonical form.
    r#"
    CREATE TABLE rubric_images (
        version_hash TEXT PRIMARY KEY REFERENCES rubric_versions(hash),
        media_type   TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/svg+xml')),
        sha256       TEXT NOT NULL,
        bytes        BLOB NOT NULL
    );
    "#,
    // 14: what changed in a rubric version, in the words of whoever saved it.
    r#"
    CREATE TABLE rubric_notes (
        version_hash TEXT PRIMARY KEY REFERENCES rubric_versions(hash),
        note         TEXT NOT NULL
    );
    "#,
    // 15: the queue sorts by learner and by assessor, each by keyset over an index of its
    // own. The sort keys are kept by triggers, so every way a row is written keeps them:
    // the learner's name in lower case, and the assessor (whoever assessed first, else
    // whoever holds or last held the claim).
    r#"
    ALTER TABLE submissions ADD COLUMN sort_learner TEXT NOT NULL DEFAULT '';
    ALTER TABLE submissions ADD COLUMN sort_assessor TEXT NOT NULL DEFAULT '';
    UPDATE submissions SET sort_learner =
        (SELECT lower(l.name) FROM learners l WHERE l.id = submissions.learner_id);
    UPDATE submissions SET sort_assessor = COALESCE(
        (SELECT a.assessor FROM assessments a WHERE a.submission_id = submissions.id
         ORDER BY a.id LIMIT 1), claimed_by, '');
    CREATE INDEX submissions_by_learner_name
        ON submissions (sort_learner, created_at, id, status, search);
    CREATE INDEX submissions_by_assessor
        ON submissions (sort_assessor, created_at, id, status, search);
    CREATE TRIGGER submissions_sort_learner AFTER INSERT ON submissions BEGIN
        UPDATE submissions SET sort_learner =
            (SELECT lower(name) FROM learners WHERE id = NEW.learner_id)
        WHERE id = NEW.id;
    END;
    CREATE TRIGGER learners_sort_name AFTER UPDATE OF name ON learners BEGIN
        UPDATE submissions SET sort_learner = lower(NEW.name) WHERE learner_id = NEW.id;
    END;
    CREATE TRIGGER assessments_sort_insert AFTER INSERT ON assessments BEGIN
        UPDATE submissions SET sort_assessor = COALESCE(
            (SELECT a.assessor FROM assessments a WHERE a.submission_id = NEW.submission_id
             ORDER BY a.id LIMIT 1), claimed_by, '')
        WHERE id = NEW.submission_id;
    END;
    CREATE TRIGGER assessments_sort_delete AFTER DELETE ON assessments BEGIN
        UPDATE submissions SET sort_assessor = COALESCE(
            (SELECT a.assessor FROM assessments a WHERE a.submission_id = OLD.submission_id
             ORDER BY a.id LIMIT 1), claimed_by, '')
        WHERE id = OLD.submission_id;
    END;
    CREATE TRIGGER submissions_sort_claim AFTER UPDATE OF claimed_by ON submissions BEGIN
        UPDATE submissions SET sort_assessor = COALESCE(
            (SELECT a.assessor FROM assessments a WHERE a.submission_id = NEW.id
             ORDER BY a.id LIMIT 1), NEW.claimed_by, OLD.claimed_by, '')
        WHERE id = NEW.id;
    END;
    "#, // 16: blind marking. A blind cohort shows assessors a candidate number per learner
    // (drawn at random, unique in the cohort) instead of the name; a lead can reveal one
    // learner's name to one assessor, with a reason. The learner sort key of a blind cohort's
    // rows is the candidate number, so that sorting by learner does not leak the names'
    // order; `search` of such a row keeps the name after a \x01, where only the filter of
    // someone who sees names looks.
    r#"
    ALTER TABLE cohorts ADD COLUMN blind INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE candidates (
        cohort_id  TEXT NOT NULL REFERENCES cohorts(id),
        learner_id INTEGER NOT NULL REFERENCES learners(id),
        number     TEXT NOT NULL,
        PRIMARY KEY (cohort_id, learner_id),
        UNIQUE (cohort_id, number)
    );
    CREATE TABLE reveals (
        id          INTEGER PRIMARY KEY,
        cohort_id   TEXT NOT NULL REFERENCES cohorts(id),
        learner_id  INTEGER NOT NULL REFERENCES learners(id),
        assessor    TEXT NOT NULL,
        revealed_by TEXT NOT NULL,
        reason      TEXT NOT NULL,
        revealed_at INTEGER NOT NULL
    );
    CREATE INDEX reveals_to ON reveals (cohort_id, learner_id, assessor);
    DROP TRIGGER submissions_sort_learner;
    CREATE TRIGGER submissions_sort_learner AFTER INSERT ON submissions BEGIN
        UPDATE submissions SET sort_learner = COALESCE(
            (SELECT lower(k.number) FROM candidates k JOIN cohorts c ON c.id = k.cohort_id
             WHERE c.blind = 1 AND k.cohort_id = NEW.cohort_id AND k.learner_id = NEW.learner_id),
            (SELECT lower(name) FROM learners WHERE id = NEW.learner_id))
        WHERE id = NEW.id;
    END;
    DROP TRIGGER learners_sort_name;
    CREATE TRIGGER learners_sort_name AFTER UPDATE OF name ON learners BEGIN
        UPDATE submissions SET sort_learner = lower(NEW.name)
        WHERE learner_id = NEW.id AND cohort_id NOT IN (SELECT id FROM cohorts WHERE blind = 1);
    END;
    "#, // 17: calibration before live work. Exemplars are scored submissions a lead chose, with a
    // reference level and a note per criterion; they are valid for every rubric version with
    // the same calibration key (criteria, levels and pass mark; `crate::calibration::key`).
    // Calibration scorings live in tables of their own: never a learner's result, never
    // signed. A round ends in an outcome; a lead may allow a failed one or open a new round.
    r#"
    CREATE TABLE exemplars (
        id              INTEGER PRIMARY KEY,
        calibration_key TEXT NOT NULL,
        rubric_hash     TEXT NOT NULL REFERENCES rubric_versions(hash),
        submission_id   INTEGER NOT NULL UNIQUE REFERENCES submissions(id),
        decision        TEXT NOT NULL CHECK (decision IN ('meets', 'not_yet')),
        added_by        TEXT NOT NULL,
        added_at        INTEGER NOT NULL,
        withdrawn_at    INTEGER
    );
    CREATE INDEX exemplars_by_key ON exemplars (calibration_key);
    CREATE TABLE exemplar_levels (
        exemplar_id  INTEGER NOT NULL REFERENCES exemplars(id),
        criterion_id TEXT NOT NULL,
        level_id     TEXT NOT NULL,
        note         TEXT NOT NULL,
        PRIMARY KEY (exemplar_id, criterion_id)
    );
    CREATE TABLE calibration_scorings (
        id              INTEGER PRIMARY KEY,
        assessor        TEXT NOT NULL,
        calibration_key TEXT NOT NULL,
        round           INTEGER NOT NULL,
        exemplar_id     INTEGER NOT NULL REFERENCES exemplars(id),
        decision        TEXT NOT NULL,
        scored_at       INTEGER NOT NULL,
        UNIQUE (assessor, calibration_key, round, exemplar_id)
    );
    CREATE TABLE calibration_levels (
        scoring_id   INTEGER NOT NULL REFERENCES calibration_scorings(id),
        criterion_id TEXT NOT NULL,
        level_id     TEXT NOT NULL,
        PRIMARY KEY (scoring_id, criterion_id)
    );
    CREATE TABLE calibrations (
        id              INTEGER PRIMARY KEY,
        assessor        TEXT NOT NULL,
        calibration_key TEXT NOT NULL,
        rubric_id       TEXT NOT NULL,
        round           INTEGER NOT NULL,
        result          TEXT NOT NULL CHECK (result IN ('passed', 'failed', 'allowed', 'retry')),
        exemplars       INTEGER NOT NULL,
        levels          INTEGER NOT NULL,
        exact           INTEGER NOT NULL,
        decisions_same  INTEGER NOT NULL,
        decided_by      TEXT,
        reason          TEXT NOT NULL DEFAULT '',
        at              INTEGER NOT NULL
    );
    CREATE INDEX calibrations_of ON calibrations (assessor, calibration_key);
    "#,
    // 18: recognition of prior learning: how a submission's evidence came about.
    r#"
    ALTER TABLE submissions ADD COLUMN route TEXT NOT NULL DEFAULT 'course'
        CHECK (route IN ('course', 'prior-learning'));
    "#,
    // 19: pathways (program achievements), versioned like rubrics.
    r#"
    CREATE TABLE pathway_versions (
        hash        TEXT PRIMARY KEY,
        pathway_id  TEXT NOT NULL,
        version     INTEGER NOT NULL,
        title       TEXT NOT NULL,
        source      TEXT NOT NULL,
        canonical   TEXT NOT NULL,
        source_path TEXT,
        created_at  INTEGER NOT NULL,
        created_by  TEXT NOT NULL,
        UNIQUE (pathway_id, version)
    );
    CREATE TABLE pathways (
        id           TEXT PRIMARY KEY,
        current_hash TEXT NOT NULL REFERENCES pathway_versions(hash)
    );
    "#,
    // 20: program credentials (a pathway earned), in a table of their own: `awards` is one
    // credential per submission. Status indexes and credential ids stay unique across both
    // tables (the triggers), a learner holds at most one unrevoked program credential per
    // pathway (the partial index: two approvals at once issue it once), and pages are for
    // either kind.
    r#"
    CREATE TABLE program_awards (
        id              INTEGER PRIMARY KEY,
        pathway_id      TEXT NOT NULL REFERENCES pathways(id),
        pathway_hash    TEXT NOT NULL REFERENCES pathway_versions(hash),
        learner_id      INTEGER NOT NULL REFERENCES learners(id),
        credential_id   TEXT NOT NULL UNIQUE,
        credential_json TEXT NOT NULL,
        status_index    INTEGER NOT NULL UNIQUE,
        valid_until     TEXT,
        issued_at       INTEGER NOT NULL,
        issued_by       TEXT NOT NULL,
        revoked_at      INTEGER,
        revoked_reason  TEXT
    );
    CREATE UNIQUE INDEX program_awards_once ON program_awards (pathway_id, learner_id)
        WHERE revoked_at IS NULL;
    CREATE INDEX program_awards_of_learner ON program_awards (learner_id);
    CREATE TABLE program_components (
        program_credential_id   TEXT NOT NULL REFERENCES program_awards(credential_id),
        component_credential_id TEXT NOT NULL REFERENCES awards(credential_id),
        PRIMARY KEY (program_credential_id, component_credential_id)
    );
    CREATE INDEX program_components_by_component ON program_components (component_credential_id);
    CREATE TRIGGER program_awards_unique_index BEFORE INSERT ON program_awards
        WHEN EXISTS (SELECT 1 FROM awards WHERE status_index = NEW.status_index
                                             OR credential_id = NEW.credential_id)
        BEGIN SELECT RAISE(ABORT, 'a status index or credential id is used twice'); END;
    CREATE TRIGGER awards_unique_index BEFORE INSERT ON awards
        WHEN EXISTS (SELECT 1 FROM program_awards WHERE status_index = NEW.status_index
                                                     OR credential_id = NEW.credential_id)
        BEGIN SELECT RAISE(ABORT, 'a status index or credential id is used twice'); END;
    CREATE TABLE pages_of_both (
        credential_id TEXT PRIMARY KEY,
        token         TEXT NOT NULL UNIQUE,
        withdrawn_at  INTEGER,
        withdrawn_by  TEXT
    );
    INSERT INTO pages_of_both (credential_id, token, withdrawn_at, withdrawn_by)
        SELECT credential_id, token, withdrawn_at, withdrawn_by FROM pages;
    DROP TABLE pages;
    ALTER TABLE pages_of_both RENAME TO pages;
    CREATE TRIGGER pages_of_credentials BEFORE INSERT ON pages
        WHEN NOT EXISTS (SELECT 1 FROM awards WHERE credential_id = NEW.credential_id)
         AND NOT EXISTS (SELECT 1 FROM program_awards WHERE credential_id = NEW.credential_id)
        BEGIN SELECT RAISE(ABORT, 'a page for a credential this workspace did not issue'); END;
    "#,
    // 21: a program credential that expired is superseded by the next one issued to the
    // learner (who renewed the components): one current program credential per learner and
    // pathway, never a second while the first still counts.
    r#"
    ALTER TABLE program_awards ADD COLUMN superseded_by TEXT;
    DROP INDEX program_awards_once;
    CREATE UNIQUE INDEX program_awards_once ON program_awards (pathway_id, learner_id)
        WHERE revoked_at IS NULL AND superseded_by IS NULL;
    "#,
    // 22: program badges e-mailed to learners (`merit notify --pathway`), recorded like a
    // cohort's messages: when the server accepted them, so each is sent once.
    r#"
    CREATE TABLE program_notifications (
        credential_id TEXT PRIMARY KEY REFERENCES program_awards(credential_id),
        message_id    TEXT NOT NULL,
        recipient     TEXT NOT NULL,
        sent_at       INTEGER NOT NULL,
        sent_by       TEXT NOT NULL
    );
    "#,
    // 23: the checks on every award and every page cost an approval of 100,000 about a tenth
    // of its time. Status indexes come from one counter reserved in write transactions
    // (awards.rs `reserve`), so an award's never meets a program credential's; the check
    // stays where it is cheap, on the rare program credential; pages are made only with
    // their credential, in its transaction.
    r#"
    DROP TRIGGER awards_unique_index;
    DROP TRIGGER pages_of_credentials;
    "#,
    // 24: when each credential stops being valid, as a column: whether a badge counts now is
    // asked of every award (pathways, the learner view, the cohort view's flags), and reading
    // it out of the JSON each time was most of that work.
    r#"
    ALTER TABLE awards ADD COLUMN valid_until TEXT;
    UPDATE awards SET valid_until = json_extract(credential_json, '$.validUntil');
    "#,
];

/// The migration that introduced the admin role.
const ADMIN_MIGRATION: u32 = 8;

/// Who gets roles when a workspace is created or gains the admin role.
pub struct Founders<'a> {
    /// The account creating the workspace (a new one) or running the upgrade.
    pub creator: Option<&'a str>,
    /// The account owning the workspace folder.
    pub owner: Option<&'a str>,
}

/// The schema version this build of Merit writes.
pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

/// Brings the database up to [`latest`], in one immediate transaction so that several
/// processes opening a new workspace at once migrate it exactly once.
///
/// A new workspace's creator becomes its admin and lead. An existing workspace that gains the
/// admin role makes the owner of its folder and every lead admins, so that nobody is locked
/// out; both are in the audit log.
pub fn migrate(conn: &Connection, founders: &Founders<'_>) -> Result<()> {
    let tx = conn.write()?;
    let current: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest() {
        bail!(
            "this workspace was written by a newer Merit (schema {current}, this one knows {}); upgrade merit",
            latest()
        );
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(sql)
            .with_context(|| format!("schema migration {} failed", i + 1))?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
    }
    if current < ADMIN_MIGRATION {
        grant_founders(&tx, current == 0, founders)?;
    }
    ensure_append_only(&tx)?;
    tx.commit()?;
    Ok(())
}

pub(super) fn grant_founders(tx: &Transaction<'_>, new: bool, f: &Founders<'_>) -> Result<()> {
    let t = super::now();
    let grant = |name: &str, role: &str, by: &str| -> Result<bool> {
        Ok(tx.execute(
            "INSERT INTO users (name, role, added_at, added_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
            params![name, role, t, by],
        )? == 1)
    };
    if new {
        if let Some(c) = f.creator {
            grant(c, "admin", c)?;
            grant(c, "lead", c)?;
            super::audit::append(
                tx,
                c,
                "workspace.create",
                c,
                "the creator is admin and lead",
            )?;
        }
        return Ok(());
    }
    let by = f.creator.unwrap_or("merit");
    let mut admins: Vec<String> = {
        let mut stmt = tx.prepare("SELECT DISTINCT name FROM users WHERE role = 'lead'")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<Result<_, _>>()?
    };
    if let Some(o) = f.owner {
        admins.push(o.to_string());
    }
    admins.sort();
    admins.dedup();
    let mut granted = Vec::new();
    for a in &admins {
        if grant(a, "admin", by)? {
            granted.push(a.clone());
        }
    }
    super::audit::append(
        tx,
        by,
        "access.upgrade",
        "admin",
        &format!("the admin role is new; admins now: {}", admins.join(", ")),
    )?;
    Ok(())
}

/// The audit log's append-only triggers, created again whenever they are missing (whoever
/// could drop them could also edit the log; a dropped trigger comes back at the next open,
/// and `merit audit verify` finds what was changed meanwhile).
fn ensure_append_only(tx: &Transaction<'_>) -> Result<()> {
    let present: i64 = tx.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'
         AND name IN ('audit_log_no_update', 'audit_log_no_delete')",
        [],
        |r| r.get(0),
    )?;
    if present < 2 {
        tx.execute_batch(
            "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
                 BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
             CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
                 BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
        )?;
    }
    Ok(())
}
