//! Agreement between two assessors on ordered levels: exact and adjacent agreement, Cohen's
//! kappa (plain and quadratic-weighted), Krippendorff's alpha (nominal, ordinal, interval),
//! and percentile bootstrap intervals from a seeded generator. Pure functions over level
//! indices `0..k` in the rubric's order; a statistic that is undefined (no pairs, or no
//! variation to disagree about) is `None`, never NaN.

/// A pair of levels two assessors gave one criterion of one submission.
pub type Pair = (usize, usize);

/// Share of pairs on the same level.
pub fn exact(pairs: &[Pair]) -> Option<f64> {
    share(pairs, |a, b| a == b)
}

/// Share of pairs at most one level apart.
pub fn adjacent(pairs: &[Pair]) -> Option<f64> {
    share(pairs, |a, b| a.abs_diff(b) <= 1)
}

fn share(pairs: &[Pair], agree: impl Fn(usize, usize) -> bool) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.iter().filter(|(a, b)| agree(*a, *b)).count();
    Some(n as f64 / pairs.len() as f64)
}

/// Cohen's kappa with disagreement weights `w(i, j)` (0 on the diagonal): one minus the
/// observed weighted disagreement over the disagreement expected from the two assessors'
/// own level frequencies.
fn kappa_weighted(pairs: &[Pair], k: usize, w: impl Fn(usize, usize) -> f64) -> Option<f64> {
    if pairs.is_empty() || k < 2 || pairs.iter().any(|(a, b)| *a >= k || *b >= k) {
        return None;
    }
    let n = pairs.len() as f64;
    let mut first = vec![0.0; k];
    let mut second = vec![0.0; k];
    let mut observed = 0.0;
    for &(a, b) in pairs {
        first[a] += 1.0 / n;
        second[b] += 1.0 / n;
        observed += w(a, b) / n;
    }
    let mut expected = 0.0;
    for (i, p) in first.iter().enumerate() {
        for (j, q) in second.iter().enumerate() {
            expected += p * q * w(i, j);
        }
    }
    (expected > 1e-12).then(|| 1.0 - observed / expected)
}

/// Cohen's kappa: agreement beyond chance on unordered categories.
pub fn cohen_kappa(pairs: &[Pair], k: usize) -> Option<f64> {
    kappa_weighted(pairs, k, |i, j| if i == j { 0.0 } else { 1.0 })
}

/// Cohen's kappa with quadratic weights: a disagreement of d levels (of k) weighs
/// (d / (k - 1))², so near misses cost little and far ones much.
pub fn quadratic_kappa(pairs: &[Pair], k: usize) -> Option<f64> {
    let span = (k.max(2) - 1) as f64;
    kappa_weighted(pairs, k, |i, j| {
        let d = i.abs_diff(j) as f64 / span;
        d * d
    })
}

/// How Krippendorff's alpha measures the distance between two values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Nominal,
    /// Ranks matter, not distances: the distance between two levels grows with how many
    /// values were given between them.
    Ordinal,
    Interval,
}

/// Krippendorff's alpha over units each holding the values its coders gave (any number
/// of coders, missing values left out; units with fewer than two values are not
/// pairable and are skipped). Values are `0..k`.
pub fn alpha(units: &[Vec<usize>], k: usize, metric: Metric) -> Option<f64> {
    if k < 2 {
        return None;
    }
    // The coincidence matrix: each ordered pair of values within a unit, weighted 1/(m-1).
    let mut o = vec![vec![0.0; k]; k];
    for u in units {
        let m = u.len();
        if m < 2 || u.iter().any(|v| *v >= k) {
            continue;
        }
        let weight = 1.0 / (m - 1) as f64;
        for (i, a) in u.iter().enumerate() {
            for (j, b) in u.iter().enumerate() {
                if i != j {
                    o[*a][*b] += weight;
                }
            }
        }
    }
    let nc: Vec<f64> = o.iter().map(|row| row.iter().sum()).collect();
    let n: f64 = nc.iter().sum();
    if n < 2.0 {
        return None;
    }
    let delta = |c: usize, d: usize| -> f64 {
        match metric {
            Metric::Nominal => f64::from(u8::from(c != d)),
            Metric::Interval => {
                let x = c as f64 - d as f64;
                x * x
            }
            Metric::Ordinal => {
                let (lo, hi) = (c.min(d), c.max(d));
                let between: f64 = nc[lo..=hi].iter().sum::<f64>() - (nc[lo] + nc[hi]) / 2.0;
                between * between
            }
        }
    };
    let mut observed = 0.0;
    let mut expected = 0.0;
    for c in 0..k {
        for d in 0..k {
            let dd = delta(c, d);
            observed += o[c][d] * dd;
            expected += nc[c] * nc[d] * dd;
        }
    }
    (expected > 1e-12).then(|| 1.0 - (n - 1.0) * observed / expected)
}

/// Krippendorff's alpha for two assessors, each pair one unit.
pub fn alpha_pairs(pairs: &[Pair], k: usize, metric: Metric) -> Option<f64> {
    let units: Vec<Vec<usize>> = pairs.iter().map(|(a, b)| vec![*a, *b]).collect();
    alpha(&units, k, metric)
}

/// A percentile bootstrap 95% interval of `stat` over `pairs`: `resamples` samples of
/// the pairs drawn with replacement by a generator seeded with `seed` (so the interval is
/// the same every run). Samples where the statistic is undefined are left out; `None`
/// when fewer than half are defined.
pub fn bootstrap(
    pairs: &[Pair],
    resamples: usize,
    seed: u64,
    stat: impl Fn(&[Pair]) -> Option<f64>,
) -> Option<(f64, f64)> {
    if pairs.is_empty() || resamples == 0 {
        return None;
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut sample = Vec::with_capacity(pairs.len());
    let mut values = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        sample.clear();
        sample.extend((0..pairs.len()).map(|_| pairs[rng.usize(..pairs.len())]));
        if let Some(v) = stat(&sample) {
            values.push(v);
        }
    }
    if values.len() * 2 < resamples {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    Some((at(0.025), at(0.975)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) {
        let a = a.expect("defined");
        assert!((a - b).abs() < 5e-4, "{a} vs {b}");
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the worked
    /// example: 4 coders, 12 units, values 1–5, some missing. Published: nominal 0.743,
    /// ordinal 0.815, interval 0.849.
    #[test]
    fn krippendorffs_worked_example() {
        let m: Option<usize> = None;
        let coders: [[Option<usize>; 12]; 4] = [
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                m,
                m,
                m,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                m,
                Some(3),
            ],
            [
                m,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                m,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                m,
            ],
        ];
        let units: Vec<Vec<usize>> = (0..12)
            .map(|u| coders.iter().filter_map(|c| c[u].map(|v| v - 1)).collect())
            .collect();
        close(alpha(&units, 5, Metric::Nominal), 0.743);
        close(alpha(&units, 5, Metric::Ordinal), 0.815);
        close(alpha(&units, 5, Metric::Interval), 0.849);
    }

    /// The textbook 2×2 example (as in Wikipedia's "Cohen's kappa"): of 50, both yes 20,
    /// yes/no 5, no/yes 10, both no 15. p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.
    /// With two categories the quadratic weights are the plain ones, so weighted κ = 0.4.
    #[test]
    fn cohens_textbook_example() {
        let mut pairs = Vec::new();
        pairs.extend(std::iter::repeat_n((0, 0), 20));
        pairs.extend(std::iter::repeat_n((0, 1), 5));
        pairs.extend(std::iter::repeat_n((1, 0), 10));
        pairs.extend(std::iter::repeat_n((1, 1), 15));
        close(cohen_kappa(&pairs, 2), 0.4);
        close(quadratic_kappa(&pairs, 2), 0.4);
        close(exact(&pairs), 0.7);
    }

    /// Three levels, ten pairs, worked by hand: (0,0)×3 (1,1)×3 (2,2)×2 (0,1) (1,2).
    /// Weights: one level apart 1/4, two apart 1. Observed: 2·¼/10 = 0.05. Marginals
    /// A = (.4, .4, .2), B = (.3, .4, .3); expected = ¼(.16+.12+.12+.08) + (.12+.06) = 0.30.
    /// κw = 1 − 0.05/0.30 = 0.8333. Plain κ: p_o = .8, p_e = .12+.16+.06 = .34, κ = .697.
    #[test]
    fn quadratic_kappa_by_hand() {
        let mut pairs = vec![(0, 0); 3];
        pairs.extend([(1, 1); 3]);
        pairs.extend([(2, 2); 2]);
        pairs.extend([(0, 1), (1, 2)]);
        close(quadratic_kappa(&pairs, 3), 0.8333);
        close(cohen_kappa(&pairs, 3), 0.46 / 0.66);
        close(adjacent(&pairs), 1.0);
        // An unused fourth level widens the scale: the same near misses weigh less.
        close(
            quadratic_kappa(&pairs, 4),
            1.0 - (2.0 / 9.0 / 10.0) / (0.48 / 9.0 + 0.18 * 4.0 / 9.0),
        );
    }

    #[test]
    fn perfect_agreement_is_one_and_swapping_raters_changes_nothing() {
        let pairs: Vec<Pair> = (0..40).map(|i| (i % 4, i % 4)).collect();
        close(quadratic_kappa(&pairs, 4), 1.0);
        close(cohen_kappa(&pairs, 4), 1.0);
        close(alpha_pairs(&pairs, 4, Metric::Ordinal), 1.0);
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..200 {
            let k = rng.usize(2..6);
            let pairs: Vec<Pair> = (0..rng.usize(2..30))
                .map(|_| (rng.usize(..k), rng.usize(..k)))
                .collect();
            let swapped: Vec<Pair> = pairs.iter().map(|(a, b)| (*b, *a)).collect();
            for f in [quadratic_kappa, cohen_kappa] {
                match (f(&pairs, k), f(&swapped, k)) {
                    (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9),
                    (a, b) => assert_eq!(a.is_some(), b.is_some()),
                }
            }
            let (a, b) = (
                alpha_pairs(&pairs, k, Metric::Ordinal),
                alpha_pairs(&swapped, k, Metric::Ordinal),
            );
            assert_eq!(a.map(|x| (x * 1e9).round()), b.map(|x| (x * 1e9).round()));
            // Bounded above by one.
            assert!(quadratic_kappa(&pairs, k).is_none_or(|x| x <= 1.0 + 1e-12));
        }
    }

    #[test]
    fn undefined_is_none_not_nan() {
        assert_eq!(quadratic_kappa(&[], 4), None);
        // Everyone on one level: no variation to disagree about.
        assert_eq!(quadratic_kappa(&[(2, 2); 12], 4), None);
        assert_eq!(alpha_pairs(&[(2, 2); 12], 4, Metric::Ordinal), None);
        assert_eq!(quadratic_kappa(&[(5, 1)], 4), None, "out of range");
    }

    #[test]
    fn bootstrap_is_reproducible_and_brackets_the_estimate() {
        let mut pairs = Vec::new();
        for i in 0..60 {
            pairs.push((i % 4, (i + usize::from(i % 5 == 0)) % 4));
        }
        let k = |p: &[Pair]| quadratic_kappa(p, 4);
        let a = bootstrap(&pairs, 2000, 42, k).unwrap();
        let b = bootstrap(&pairs, 2000, 42, k).unwrap();
        assert_eq!(a, b);
        let est = k(&pairs).unwrap();
        assert!(a.0 <= est && est <= a.1, "{a:?} {est}");
        assert_ne!(
            bootstrap(&pairs, 2000, 43, k),
            Some(a),
            "another seed, another draw"
        );
    }
}
