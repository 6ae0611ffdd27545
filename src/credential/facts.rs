//! What a verifier reads of a credential (its types, issuer, dates, subjects and status
//! entries), read either from its JSON or from the RDF statements an eddsa-rdfc-2022 proof
//! signed. For such a proof the verifier reads the signed statements and requires the JSON to
//! say the same, so what is checked is always what is signed.

use std::collections::HashMap;

use anyhow::{Result, anyhow, bail};
use oxrdf::{NamedOrBlankNode, Quad, Term};
use serde_json::Value;

const CRED: &str = "https://www.w3.org/2018/credentials#";
const STATUS: &str = "https://www.w3.org/ns/credentials/status#";
const OB: &str = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const XSD_DATETIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";

/// The JSON terms of the types a verifier acts on, and the IRIs their contexts give them.
const TYPES: &[(&str, &str)] = &[
    (
        "VerifiableCredential",
        "https://www.w3.org/2018/credentials#VerifiableCredential",
    ),
    (
        "OpenBadgeCredential",
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
    ),
    (
        "AchievementCredential",
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
    ),
    (
        "EndorsementCredential",
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#EndorsementCredential",
    ),
    (
        "BitstringStatusListCredential",
        "https://www.w3.org/ns/credentials/status#BitstringStatusListCredential",
    ),
];

/// The types of a CLR 2.0 learner record (`ClrCredential`), read by [`from_json_clr`] and
/// [`from_quads_clr`] only: a record is never verified as a plain credential.
const CLR_TYPES: &[(&str, &str)] = &[
    (
        "VerifiableCredential",
        "https://www.w3.org/2018/credentials#VerifiableCredential",
    ),
    (
        "ClrCredential",
        "https://purl.imsglobal.org/spec/vc/clr/vocab.html#ClrCredential",
    ),
];

/// Types of subjects and status entries: compared as the contexts name them.
const NODE_TYPES: &[(&str, &str)] = &[
    (
        "AchievementSubject",
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementSubject",
    ),
    (
        "EndorsementSubject",
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#EndorsementSubject",
    ),
    (
        "BitstringStatusList",
        "https://www.w3.org/ns/credentials/status#BitstringStatusList",
    ),
    (
        "BitstringStatusListEntry",
        "https://www.w3.org/ns/credentials/status#BitstringStatusListEntry",
    ),
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// The credential's types, as IRIs, sorted.
    pub types: Vec<String>,
    /// The issuer's id.
    pub issuer: Option<String>,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    /// Sorted.
    pub subjects: Vec<Subject>,
    /// Sorted.
    pub statuses: Vec<StatusEntry>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Subject {
    pub id: Option<String>,
    /// IRIs of the known types (others are not read), sorted.
    pub types: Vec<String>,
    /// A status list's purpose and bits.
    pub status_purpose: Option<String>,
    pub encoded_list: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatusEntry {
    pub id: Option<String>,
    /// The IRI of its type (`…/status#BitstringStatusListEntry`), or the JSON term when it is
    /// not one Merit knows.
    pub kind: Option<String>,
    pub purpose: Option<String>,
    pub index: Option<String>,
    pub list: Option<String>,
}

impl StatusEntry {
    pub fn is_bitstring(&self) -> bool {
        self.kind.as_deref() == Some(&*format!("{STATUS}BitstringStatusListEntry"))
    }
}

impl Facts {
    pub fn has_type(&self, term: &str) -> bool {
        TYPES
            .iter()
            .chain(CLR_TYPES)
            .find(|(t, _)| *t == term)
            .is_some_and(|(_, iri)| self.types.iter().any(|t| t == iri))
    }
}

fn node_type_iri(term: &str) -> Option<&'static str> {
    NODE_TYPES.iter().find(|(t, _)| *t == term).map(|(_, i)| *i)
}

/// A string or a list of strings (as `type` is written), else nothing.
fn strings(v: Option<&Value>) -> Vec<&str> {
    match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// An object or a list of objects.
fn objects(v: Option<&Value>) -> Vec<&serde_json::Map<String, Value>> {
    match v {
        Some(Value::Object(o)) => vec![o],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    }
}

/// A literal as the verifier reads it: a string, or a number's text.
fn scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The facts of a credential's JSON. An unknown credential type is an error.
pub fn from_json(doc: &Value) -> Result<Facts> {
    from_json_of(doc, TYPES)
}

/// [`from_json`] of a CLR 2.0 `ClrCredential`.
pub fn from_json_clr(doc: &Value) -> Result<Facts> {
    from_json_of(doc, CLR_TYPES).map(subjects_by_id)
}

/// A record's subjects are compared by id only. RDF merges nodes by id: a `ClrSubject` named
/// by the learner's DID is the same node as the `AchievementSubject` of each credential it
/// embeds, so the signed data gives it their types too. No check reads a record subject's
/// type.
fn subjects_by_id(mut f: Facts) -> Facts {
    for s in &mut f.subjects {
        s.types.clear();
    }
    f
}

fn from_json_of(doc: &Value, known_types: &[(&str, &str)]) -> Result<Facts> {
    let mut types = Vec::new();
    for t in strings(doc.get("type")) {
        let iri = known_types
            .iter()
            .find(|(term, _)| *term == t)
            .map(|(_, i)| i.to_string())
            .ok_or_else(|| {
                anyhow!(
                    "the credential type `{}` is not one Merit verifies ({})",
                    crate::sanitize::line(t),
                    known_types
                        .iter()
                        .map(|(t, _)| *t)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        if !types.contains(&iri) {
            types.push(iri);
        }
    }
    types.sort();
    let issuer = match doc.get("issuer") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    let mut subjects: Vec<Subject> = objects(doc.get("credentialSubject"))
        .into_iter()
        .map(|s| {
            let mut types: Vec<String> = strings(s.get("type"))
                .into_iter()
                .filter_map(node_type_iri)
                .map(str::to_string)
                .collect();
            types.sort();
            types.dedup();
            Subject {
                id: s.get("id").and_then(Value::as_str).map(str::to_string),
                types,
                status_purpose: scalar(s.get("statusPurpose")),
                encoded_list: scalar(s.get("encodedList")),
            }
        })
        .collect();
    subjects.sort();
    let mut statuses: Vec<StatusEntry> = objects(doc.get("credentialStatus"))
        .into_iter()
        .map(|e| {
            let kind = strings(e.get("type"))
                .first()
                .map(|t| node_type_iri(t).map_or_else(|| t.to_string(), str::to_string));
            StatusEntry {
                id: e.get("id").and_then(Value::as_str).map(str::to_string),
                kind,
                purpose: scalar(e.get("statusPurpose")),
                index: scalar(e.get("statusListIndex")),
                list: e
                    .get("statusListCredential")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            }
        })
        .collect();
    statuses.sort();
    Ok(Facts {
        types,
        issuer,
        valid_from: scalar(doc.get("validFrom")),
        valid_until: scalar(doc.get("validUntil")),
        subjects,
        statuses,
    })
}

/// The statements about each node.
struct Graph<'a> {
    edges: HashMap<&'a NamedOrBlankNode, Vec<(&'a str, &'a Term)>>,
}

impl<'a> Graph<'a> {
    fn new(quads: &'a [Quad]) -> Self {
        let mut edges: HashMap<&NamedOrBlankNode, Vec<(&str, &Term)>> = HashMap::new();
        for q in quads {
            // The credential is in the default graph; a proof (not part of what is signed)
            // would be in a graph of its own.
            if q.graph_name.is_default_graph() {
                edges
                    .entry(&q.subject)
                    .or_default()
                    .push((q.predicate.as_str(), &q.object));
            }
        }
        Graph { edges }
    }

    fn objects(&self, node: &NamedOrBlankNode, predicate: &str) -> Vec<&'a Term> {
        self.edges
            .get(node)
            .map(|e| {
                e.iter()
                    .filter(|(p, _)| *p == predicate)
                    .map(|(_, o)| *o)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// At most one value of `predicate`.
    fn one(&self, node: &NamedOrBlankNode, predicate: &str) -> Result<Option<&'a Term>> {
        let all = self.objects(node, predicate);
        if all.len() > 1 {
            bail!("the signed data gives {predicate} {} values", all.len());
        }
        Ok(all.first().copied())
    }

    fn iris(&self, node: &NamedOrBlankNode, predicate: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .objects(node, predicate)
            .into_iter()
            .filter_map(|t| match t {
                Term::NamedNode(n) => Some(n.as_str().to_string()),
                _ => None,
            })
            .collect();
        v.sort();
        v
    }

    /// A literal's lexical form; a typed one the verifier does not expect keeps its type, so
    /// that it never compares equal to the JSON's plain value.
    fn literal(
        &self,
        node: &NamedOrBlankNode,
        predicate: &str,
        datatype: Option<&str>,
    ) -> Result<Option<String>> {
        Ok(match self.one(node, predicate)? {
            Some(Term::Literal(l)) => {
                let dt = l.datatype().as_str();
                let plain = dt == "http://www.w3.org/2001/XMLSchema#string"
                    || dt == "http://www.w3.org/2001/XMLSchema#integer";
                if datatype.is_some_and(|d| d == dt) || (datatype.is_none() && plain) {
                    Some(l.value().to_string())
                } else {
                    Some(format!("{}^^{dt}", l.value()))
                }
            }
            Some(Term::NamedNode(n)) => Some(format!("<{}>", n.as_str())),
            Some(_) => Some("(a node)".to_string()),
            None => None,
        })
    }

    fn iri(&self, node: &NamedOrBlankNode, predicate: &str) -> Result<Option<String>> {
        Ok(match self.one(node, predicate)? {
            Some(Term::NamedNode(n)) => Some(n.as_str().to_string()),
            Some(Term::Literal(l)) => Some(format!("\"{}\"", l.value())),
            _ => None,
        })
    }
}

fn as_node(t: &Term) -> Option<NamedOrBlankNode> {
    match t {
        Term::NamedNode(n) => Some(n.clone().into()),
        Term::BlankNode(b) => Some(b.clone().into()),
        _ => None,
    }
}

fn node_id(n: &NamedOrBlankNode) -> Option<String> {
    match n {
        NamedOrBlankNode::NamedNode(n) => Some(n.as_str().to_string()),
        _ => None,
    }
}

/// The facts of the signed RDF statements of a credential (its quads, without the proof).
pub fn from_quads(quads: &[Quad]) -> Result<Facts> {
    from_quads_of(quads, TYPES, false)
}

/// [`from_quads`] of a CLR 2.0 `ClrCredential`: the record is the one credential that no
/// statement points to; the credentials it embeds are the objects of its subject's
/// `verifiableCredential` (and verified on their own).
pub fn from_quads_clr(quads: &[Quad]) -> Result<Facts> {
    from_quads_of(quads, CLR_TYPES, true).map(subjects_by_id)
}

fn from_quads_of(quads: &[Quad], known_types: &[(&str, &str)], record: bool) -> Result<Facts> {
    let g = Graph::new(quads);
    let vc = format!("{CRED}VerifiableCredential");
    let pointed_to: std::collections::HashSet<&Term> = if record {
        quads
            .iter()
            .filter(|q| q.predicate.as_str() != RDF_TYPE)
            .map(|q| &q.object)
            .collect()
    } else {
        Default::default()
    };
    let credentials: Vec<&NamedOrBlankNode> = g
        .edges
        .iter()
        .filter(|(_, e)| {
            e.iter()
                .any(|(p, o)| *p == RDF_TYPE && matches!(o, Term::NamedNode(n) if n.as_str() == vc))
        })
        .map(|(n, _)| *n)
        .filter(|n| !record || !pointed_to.contains(&Term::from((*n).clone())))
        .collect();
    let node = match credentials.as_slice() {
        [one] => *one,
        [] => bail!("the signed data holds no VerifiableCredential"),
        many => bail!("the signed data holds {} credentials, not one", many.len()),
    };
    let known: Vec<&str> = known_types.iter().map(|(_, i)| *i).collect();
    let types = g.iris(node, RDF_TYPE);
    if let Some(t) = types.iter().find(|t| !known.contains(&t.as_str())) {
        bail!("the signed data gives the credential the type {t}, which Merit does not verify");
    }
    let node_types = |n: &NamedOrBlankNode| -> Vec<String> {
        g.iris(n, RDF_TYPE)
            .into_iter()
            .filter(|t| NODE_TYPES.iter().any(|(_, i)| i == t))
            .collect()
    };
    let mut subjects = Vec::new();
    for t in g.objects(node, &format!("{CRED}credentialSubject")) {
        let Some(s) = as_node(t) else {
            bail!("the signed data gives a literal as credentialSubject");
        };
        subjects.push(Subject {
            id: node_id(&s),
            types: node_types(&s),
            status_purpose: g.literal(&s, &format!("{STATUS}statusPurpose"), None)?,
            encoded_list: g.literal(
                &s,
                &format!("{STATUS}encodedList"),
                Some("https://w3id.org/security#multibase"),
            )?,
        });
    }
    subjects.sort();
    let mut statuses = Vec::new();
    for t in g.objects(node, &format!("{CRED}credentialStatus")) {
        let Some(e) = as_node(t) else {
            bail!("the signed data gives a literal as credentialStatus");
        };
        let kinds = g.iris(&e, RDF_TYPE);
        if kinds.len() > 1 {
            bail!(
                "a status entry of the signed data has {} types",
                kinds.len()
            );
        }
        statuses.push(StatusEntry {
            id: node_id(&e),
            kind: kinds.into_iter().next(),
            purpose: g.literal(&e, &format!("{STATUS}statusPurpose"), None)?,
            index: g.literal(&e, &format!("{STATUS}statusListIndex"), None)?,
            list: g.iri(&e, &format!("{STATUS}statusListCredential"))?,
        });
    }
    statuses.sort();
    Ok(Facts {
        types,
        issuer: g.iri(node, &format!("{CRED}issuer"))?,
        valid_from: g.literal(node, &format!("{CRED}validFrom"), Some(XSD_DATETIME))?,
        valid_until: g.literal(node, &format!("{CRED}validUntil"), Some(XSD_DATETIME))?,
        subjects,
        statuses,
    })
}

/// Fails, naming the first difference, unless the JSON says what was signed.
pub fn require_same(json: &Facts, signed: &Facts) -> Result<()> {
    let show = |v: &dyn std::fmt::Debug| crate::sanitize::line(&format!("{v:?}"));
    let differs = |what: &str, j: &dyn std::fmt::Debug, s: &dyn std::fmt::Debug| {
        anyhow!(
            "the JSON's {what} is not what the proof signed (JSON: {}; signed: {})",
            show(j),
            show(s)
        )
    };
    if json.types != signed.types {
        return Err(differs("type", &json.types, &signed.types));
    }
    if json.issuer != signed.issuer {
        return Err(differs("issuer", &json.issuer, &signed.issuer));
    }
    if json.valid_from != signed.valid_from {
        return Err(differs("validFrom", &json.valid_from, &signed.valid_from));
    }
    if json.valid_until != signed.valid_until {
        return Err(differs(
            "validUntil",
            &json.valid_until,
            &signed.valid_until,
        ));
    }
    if json.subjects != signed.subjects {
        return Err(differs(
            "credentialSubject",
            &json.subjects,
            &signed.subjects,
        ));
    }
    if json.statuses != signed.statuses {
        return Err(differs(
            "credentialStatus",
            &json.statuses,
            &signed.statuses,
        ));
    }
    Ok(())
}

/// The OB vocabulary namespace (for callers naming OB types).
pub const OB_VOCAB: &str = OB;
