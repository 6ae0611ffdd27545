//! `merit notify`: e-mail each learner of a cohort with a decision. For "meets", the link to
//! their credential's page, the baked badge attached, and how to keep it in a wallet; for
//! "not yet", the feedback letter (HTML with a plain-text part) and how to resubmit. With
//! `--pathway`, each learner's program badge, the same way as a "meets".
//!
//! Each message is recorded when the server accepts it, so running again sends only what was
//! not sent; a crash repeats at most the message in flight, with the same Message-ID (made from
//! the submission and the kind of message). A recipient the server refuses is reported with
//! its reply, and the others are still sent.

pub mod smtp;

use anyhow::{Result, anyhow};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{Message, Transport};

use crate::credential::{bake, issuer};
use crate::letters::Letter;
use crate::store::Store;

/// What a message is owed for.
#[derive(Clone, Debug, PartialEq)]
pub enum Owed {
    /// A decision on a submission: `meets` or `not-yet`.
    Decision {
        submission_id: i64,
        kind: &'static str,
    },
    /// A program credential.
    Program { credential_id: String },
}

/// One message to one learner.
pub struct Outgoing {
    pub owed: Owed,
    pub learner_key: String,
    pub to: String,
    pub message: Message,
    pub message_id: String,
}

/// Where the messages go.
pub enum Delivery<'a> {
    /// To an SMTP server.
    Smtp(&'a lettre::SmtpTransport),
    /// As `.eml` files into a folder (`--dry-run --out DIR`); nothing is recorded.
    Files(&'a std::path::Path),
}

/// What a run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    pub sent: usize,
    pub already_sent: usize,
    /// Learners without an e-mail address.
    pub no_email: Vec<String>,
    /// Recipients the server refused, with its reply.
    pub refused: Vec<String>,
}

/// The messages a cohort's learners are owed (those not sent yet), built from the store.
pub fn outgoing(
    store: &Store,
    cohort_id: &str,
    from: &Mailbox,
    report: &mut Report,
) -> Result<Vec<Outgoing>> {
    let root = store.root().to_path_buf();
    let issuer = issuer::load(&root).ok();
    let domain = from.email.domain().to_string();
    let subs = store.cohort_submissions(cohort_id)?;
    if subs.is_empty() {
        anyhow::bail!(
            "cohort `{}` has no submissions (`merit cohort list` shows them)",
            crate::sanitize::line(cohort_id)
        );
    }
    let mut out = Vec::new();
    // Each learner's latest decided attempt (a resubmission waiting for assessment still
    // leaves the feedback on the attempt before it owed).
    let decided = |s: &str| matches!(s, "approved" | "not_yet");
    for (i, (id, key, attempt, status)) in subs.iter().enumerate() {
        if !decided(status) || subs[i + 1..].iter().any(|n| n.1 == *key && decided(&n.3)) {
            continue;
        }
        let kind = if status == "approved" {
            "meets"
        } else {
            "not-yet"
        };
        if store.notified(*id, kind)? {
            report.already_sent += 1;
            continue;
        }
        let src = store.award_source(*id)?;
        let Some(email) = src.learner_email.clone().filter(|e| !e.trim().is_empty()) else {
            report.no_email.push(key.clone());
            continue;
        };
        let to: Mailbox = format!(
            "{} <{}>",
            src.learner_name.replace(['<', '>', '"'], ""),
            email.trim()
        )
        .parse()
        .map_err(|e| {
            anyhow!(
                "learner `{}`: `{email}` is not an e-mail address: {e}",
                crate::sanitize::line(key)
            )
        })?;
        let message_id = format!("<merit.{kind}.{id}@{domain}>");
        let builder = Message::builder()
            .from(from.clone())
            .to(to)
            .message_id(Some(message_id.clone()));
        let message = match kind {
            "meets" => {
                let award = store
                    .award(*id)?
                    .ok_or_else(|| anyhow!("submission {id} is approved but has no credential"))?;
                if award.revoked_at.is_some() {
                    continue;
                }
                let cred: serde_json::Value = serde_json::from_str(&award.credential_json)?;
                let name = cred["credentialSubject"]["achievement"]["name"]
                    .as_str()
                    .unwrap_or("your badge")
                    .to_string();
                let page = match (&issuer, store.page_token(&award.credential_id)?) {
                    (Some(i), Some(t)) => Some(format!("{}/c/{t}/", i.url.trim_end_matches('/'))),
                    _ => None,
                };
                let (text, html) = meets_body(&src.learner_name, &name, page.as_deref());
                let picture = bake::picture_of(store, &cred["credentialSubject"]["achievement"])?;
                let png = bake::png(&award.credential_json, &picture)?;
                builder.subject(format!("Your badge: {name}")).multipart(
                    MultiPart::mixed()
                        .multipart(MultiPart::alternative_plain_html(text, html))
                        .singlepart(
                            Attachment::new("badge.png".to_string())
                                .body(png, ContentType::parse("image/png")?),
                        ),
                )?
            }
            _ => {
                let Some(asm) = store.latest_submitted(*id)? else {
                    continue;
                };
                let rubric = store.load_rubric(&src.rubric_hash)?;
                let letter = Letter {
                    rubric: &rubric,
                    learner: &src.learner_name,
                    attempt: *attempt,
                    assessment: &asm,
                };
                let resubmit = "\n\nYou can submit again: your program will tell you how and by when. \
                                Your next attempt is assessed against the same rubric.\n";
                builder
                    .subject(format!("Feedback on your work: {}", rubric.title.value))
                    .multipart(
                        MultiPart::alternative()
                            .singlepart(SinglePart::plain(format!(
                                "{}{resubmit}",
                                letter.markdown()
                            )))
                            .singlepart(SinglePart::html(letter.html().replace(
                                "</body>",
                                &format!(
                                    "<p>{}</p></body>",
                                    crate::letters::escape(resubmit.trim())
                                ),
                            ))),
                    )?
            }
        };
        out.push(Outgoing {
            owed: Owed::Decision {
                submission_id: *id,
                kind,
            },
            learner_key: key.clone(),
            to: email,
            message,
            message_id,
        });
    }
    Ok(out)
}

/// The program badges of pathway `spec` owed to their learners: each learner's current
/// program credential not e-mailed yet.
pub fn outgoing_programs(
    store: &Store,
    spec: &str,
    from: &Mailbox,
    report: &mut Report,
) -> Result<Vec<Outgoing>> {
    let issuer = issuer::load(store.root()).ok();
    let domain = from.email.domain().to_string();
    let (version, _) = store.load_pathway(spec)?;
    let mut out = Vec::new();
    for award in store.program_awards(Some(&version.pathway_id), None)? {
        if !award.current {
            continue;
        }
        if store.program_notified(&award.credential_id)? {
            report.already_sent += 1;
            continue;
        }
        let Some(email) = award.learner_email.clone().filter(|e| !e.trim().is_empty()) else {
            report.no_email.push(award.learner.clone());
            continue;
        };
        let to: Mailbox = format!(
            "{} <{}>",
            award.learner_name.replace(['<', '>', '"'], ""),
            email.trim()
        )
        .parse()
        .map_err(|e| {
            anyhow!(
                "learner `{}`: `{email}` is not an e-mail address: {e}",
                crate::sanitize::line(&award.learner)
            )
        })?;
        let tail = award
            .credential_id
            .rsplit(':')
            .next()
            .unwrap_or(&award.credential_id);
        let message_id = format!("<merit.program.{tail}@{domain}>");
        let cred: serde_json::Value = serde_json::from_str(&award.credential_json)?;
        let name = cred["credentialSubject"]["achievement"]["name"]
            .as_str()
            .unwrap_or("your program badge")
            .to_string();
        let page = match (&issuer, store.page_token(&award.credential_id)?) {
            (Some(i), Some(t)) => Some(format!("{}/c/{t}/", i.url.trim_end_matches('/'))),
            _ => None,
        };
        let (text, html) = meets_body(&award.learner_name, &name, page.as_deref());
        let picture = bake::picture_of(store, &cred["credentialSubject"]["achievement"])?;
        let png = bake::png(&award.credential_json, &picture)?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .message_id(Some(message_id.clone()))
            .subject(format!("Your program badge: {name}"))
            .multipart(
                MultiPart::mixed()
                    .multipart(MultiPart::alternative_plain_html(text, html))
                    .singlepart(
                        Attachment::new("badge.png".to_string())
                            .body(png, ContentType::parse("image/png")?),
                    ),
            )?;
        out.push(Outgoing {
            owed: Owed::Program {
                credential_id: award.credential_id.clone(),
            },
            learner_key: award.learner.clone(),
            to: email,
            message,
            message_id,
        });
    }
    Ok(out)
}

fn meets_body(learner: &str, achievement: &str, page: Option<&str>) -> (String, String) {
    let e = crate::letters::escape;
    let link_text = page.map_or_else(
        || "Your issuer will publish your credential's page soon.".to_string(),
        |p| format!("Your credential's page, to share with employers: {p}"),
    );
    let text = format!(
        "Dear {learner},\n\nYou have earned the {achievement} badge.\n\n{link_text}\n\n\
The attached badge.png carries your signed credential inside it. To keep it in a wallet, \
add the credential from its page (\"add from URL\", or scan the QR code there), or import \
badge.png. Anyone can check it with an Open Badges 3.0 verifier.\n"
    );
    let link_html = page.map_or_else(
        || "<p>Your issuer will publish your credential's page soon.</p>".to_string(),
        |p| {
            format!(
                "<p>Your credential's page, to share with employers: <a href=\"{}\">{}</a></p>",
                e(p),
                e(p)
            )
        },
    );
    let html = format!(
        "<!doctype html><html lang=\"en\"><body><p>Dear {},</p><p>You have earned the <strong>{}</strong> badge.</p>{link_html}\
<p>The attached <code>badge.png</code> carries your signed credential inside it. To keep it in a wallet, add the credential from its page (\"add from URL\", or scan the QR code there), or import <code>badge.png</code>. Anyone can check it with an Open Badges 3.0 verifier.</p></body></html>",
        e(learner),
        e(achievement)
    );
    (text, html)
}

/// Sends (or writes) `messages`, recording each one the server accepted. `progress` is
/// called after each.
pub fn deliver(
    store: &mut Store,
    actor: &str,
    messages: Vec<Outgoing>,
    delivery: &Delivery<'_>,
    report: &mut Report,
    mut progress: impl FnMut(usize, usize),
) -> Result<()> {
    store.authorize(actor, crate::access::Action::Notify)?;
    let total = messages.len();
    for (n, m) in messages.into_iter().enumerate() {
        match delivery {
            Delivery::Files(dir) => {
                std::fs::create_dir_all(dir)?;
                let what = match &m.owed {
                    Owed::Decision {
                        submission_id,
                        kind,
                    } => format!("{kind}-{submission_id}"),
                    Owed::Program { .. } => "program".to_string(),
                };
                let name = format!("{:05}-{what}.eml", n + 1);
                std::fs::write(dir.join(name), m.message.formatted())?;
                report.sent += 1;
            }
            Delivery::Smtp(t) => match t.send(&m.message) {
                Ok(_) => {
                    match &m.owed {
                        Owed::Decision {
                            submission_id,
                            kind,
                        } => store.record_notification(
                            *submission_id,
                            kind,
                            &m.message_id,
                            &m.to,
                            actor,
                        )?,
                        Owed::Program { credential_id } => store.record_program_notification(
                            credential_id,
                            &m.message_id,
                            &m.to,
                            actor,
                        )?,
                    }
                    report.sent += 1;
                }
                Err(e) if e.is_permanent() => report.refused.push(format!(
                    "{} <{}>: refused by the server: {e}",
                    crate::sanitize::line(&m.learner_key),
                    crate::sanitize::line(&m.to)
                )),
                Err(e) => {
                    return Err(anyhow!(
                        "the mail server failed while sending to {}: {e}; what was accepted is \
                         recorded, run again to send the rest",
                        crate::sanitize::line(&m.to)
                    ));
                }
            },
        }
        progress(n + 1, total);
        if matches!(delivery, Delivery::Smtp(_)) {
            crate::seam::hold_after(n + 1, total);
        }
    }
    Ok(())
}
