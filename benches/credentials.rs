//! Signing and verifying Open Badges credentials, per cryptosuite, on one core.
//!
//! `cargo bench --bench credentials` (MERIT_BENCH_CREDENTIALS sets how many per round, default
//! 10,000; MERIT_BENCH_ROUNDS how many rounds, default 5).

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::BTreeMap;
use std::time::Instant;

use ed25519_dalek::SigningKey;
use merit::credential::build::{self, AwardInput, Issuer};
use merit::credential::proof::{self, Suite};
use merit::credential::{keys, verify};
use merit::rubric;
use merit::store::ArtifactRecord;

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::var("MERIT_BENCH_CREDENTIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let vk = key.verifying_key();
    let issuer = Issuer {
        did: keys::did_key(&vk),
        verification_method: keys::did_key_method(&vk),
        name: "Bench Centre".into(),
        url: "https://badges.example.org".into(),
        email: None,
        embed_images: false,
    };
    let (_, src) = rubric::BUNDLED
        .iter()
        .find(|(f, _)| *f == "data-cleaning.yaml")
        .ok_or_else(|| anyhow::anyhow!("rubric"))?;
    let r = rubric::parse(src.as_bytes()).map_err(|p| anyhow::anyhow!("{}", p[0]))?;
    let levels: BTreeMap<String, String> = r
        .criteria
        .iter()
        .map(|c| (c.id.value.clone(), c.levels[1].id.value.clone()))
        .collect();
    let artifacts: Vec<ArtifactRecord> = (0..3)
        .map(|i| ArtifactRecord {
            name: format!("file{i}.csv"),
            kind: "csv".into(),
            requirement: None,
            sha256: Some(format!("{i:064x}")),
            size: Some(100),
            url: None,
        })
        .collect();
    let t = Instant::now();
    let docs: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            build::build(&AwardInput {
                route: Default::default(),
                credential_id: &format!("urn:uuid:00000000-0000-4000-8000-{i:012}"),
                issuer: &issuer,
                rubric: &r,
                learner_name: "Learner",
                learner_email: Some(&format!("learner{i}@example.org")),
                salt: "0123456789abcdef",
                levels: &levels,
                artifacts: &artifacts,
                issued_at: "2026-01-01T00:00:00Z",
                valid_until: Some("2028-11-27T10:00:00Z"),
                status_index: i as u64,
                achievement: None,
            })
        })
        .collect();
    let build = t.elapsed();
    println!("{n} credentials (data-cleaning rubric, 4 criteria, 3 artifacts), one core");
    println!(
        "building the documents {:>8.0}/s ({:.2?})",
        n as f64 / build.as_secs_f64(),
        build
    );
    let suites: Vec<Suite> = std::env::var("MERIT_BENCH_SUITES")
        .unwrap_or_else(|_| "eddsa-jcs-2022,eddsa-rdfc-2022".into())
        .split(',')
        .filter_map(Suite::parse)
        .collect();
    // This runs on shared machines where one run of 10,000 can be 20% off the next, so each
    // suite is timed over several rounds and the median is the figure; min and max follow.
    let rounds: usize = std::env::var("MERIT_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    println!("rates are the median of {rounds} rounds (min-max)");
    for suite in suites {
        let mut sign_rates = Vec::new();
        let mut verify_rates = Vec::new();
        let mut signed = Vec::new();
        for _ in 0..rounds {
            // Issuing signs the document it has just built (`sign_owned`, as `merit approve`
            // does), so the copies are made before the clock starts.
            let unsigned = docs.clone();
            drop(std::mem::take(&mut signed));
            let t = Instant::now();
            signed = unsigned
                .into_iter()
                .map(|d| {
                    proof::sign_owned(
                        d,
                        &key,
                        &issuer.verification_method,
                        "2026-01-01T00:00:00Z",
                        suite,
                    )
                })
                .collect::<Result<Vec<serde_json::Value>, _>>()?;
            sign_rates.push(n as f64 / t.elapsed().as_secs_f64());
            let t = Instant::now();
            for s in &signed {
                let p = proof::proofs(s)?;
                proof::verify(s, &p[0], &vk)?;
            }
            verify_rates.push(n as f64 / t.elapsed().as_secs_f64());
        }
        let t = Instant::now();
        let sample = signed.len().min(1000);
        for s in &signed[..sample] {
            let rep = verify::verify(s, &verify::Options::default());
            anyhow::ensure!(rep.ok, "a credential did not verify");
        }
        let full = t.elapsed();
        println!(
            "{:<16} sign {}   verify proof {}   full verify incl. schemas {:>6.0}/s",
            suite.name(),
            spread(&mut sign_rates),
            spread(&mut verify_rates),
            sample as f64 / full.as_secs_f64()
        );
    }
    Ok(())
}

/// "median/s (min-max)" of a list of rates.
fn spread(rates: &mut [f64]) -> String {
    rates.sort_by(f64::total_cmp);
    let (lo, hi) = (rates[0], rates[rates.len() - 1]);
    format!("{:>6.0}/s ({:.0}-{:.0})", rates[rates.len() / 2], lo, hi)
}
