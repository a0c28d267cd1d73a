//! `eservqual sample`: a reproducible synthetic wide CSV of shop customers, for the demo, the
//! benchmarks and tests. Realistic on purpose: one weak dimension, N/A answers, half-answered
//! dimensions, straight-liners, weights that do not always total 100, recovery for those who
//! had a problem, outcomes that follow the experience.

use eservqual_core::dataset::wide_header;
use eservqual_core::{Form, Format, Scale};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use std::io::{self, Write};

/// The eight weeks of submissions end here (fixed, so a seed always gives the same file).
const END_DAY: i64 = 20_777; // 2026-11-20, days since 1970-01-01
const SPAN_SECONDS: i64 = 56 * 86_400;

/// Quality offset of each dimension in instrument order (cycled): the third one is the shop's
/// short plank, so the demo report has something to fix first.
const DIMENSION_OFFSET: [f64; 5] = [0.25, 0.05, -0.55, 0.35, -0.1];

/// What to write.
#[derive(Debug, Clone)]
pub struct Spec {
    pub form: Form,
    pub respondents: u64,
    pub seed: u64,
}

/// A standard normal draw (Box–Muller; one value per call keeps the stream simple).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Rounds `x` onto the integer scale.
fn on(scale: Scale, x: f64) -> i16 {
    (x.round() as i64).clamp(i64::from(scale.min), i64::from(scale.max)) as i16
}

/// An RFC 3339 UTC time from seconds since 1970-01-01.
fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = eservqual_core::civil::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// A random UUID v4 from the seeded stream.
pub(crate) fn uuid(rng: &mut ChaCha8Rng) -> String {
    let mut b: [u8; 16] = rng.random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// A cell: the number, or empty for missing.
fn cell(out: &mut Vec<u8>, x: Option<i16>) {
    if let Some(x) = x {
        out.extend_from_slice(itoa::Buffer::new().format(x).as_bytes());
    }
}

/// Writes the CSV to `out`.
pub fn write(spec: &Spec, out: impl Write) -> io::Result<()> {
    let form = &spec.form;
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let scale = form.scale();
    let (lo, hi) = (f64::from(scale.min), f64::from(scale.max));
    let span = hi - lo;
    // The core's wide-CSV columns, as the collector's export has them; no comment is made up,
    // so that column stays empty.
    let header = wide_header(form);
    let recovery_items = header.iter().filter(|h| h.starts_with("recovery.")).count();
    let with_recovery = recovery_items > 0;
    writeln!(out, "{}", header.join(","))?;

    let dims: Vec<(usize, usize)> = form.dimensions().map(|d| (d.items.len(), 0)).collect();
    let offsets: Vec<f64> = form.active.iter().map(|&d| DIMENSION_OFFSET[d % DIMENSION_OFFSET.len()]).collect();
    let mut row: Vec<u8> = Vec::with_capacity(1024);
    let mut dim_level = vec![0.0; dims.len()];
    for _ in 0..spec.respondents {
        row.clear();
        // The customer's experience: a general level plus how each dimension went for them.
        let general = normal(&mut rng);
        for (j, level) in dim_level.iter_mut().enumerate() {
            *level = 0.75 * general + 0.45 * normal(&mut rng) + offsets[j] * 1.6;
        }
        let straight_liner = rng.random_bool(0.02);
        let straight_value = rng.random_range(scale.min..=scale.max);
        let half_dim = rng.random_bool(0.03).then(|| rng.random_range(0..dims.len()));

        row.extend_from_slice(uuid(&mut rng).as_bytes());
        row.push(b',');
        let when = (END_DAY * 86_400) - rng.random_range(0..SPAN_SECONDS);
        row.extend_from_slice(rfc3339(when).as_bytes());

        for (j, &(k, _)) in dims.iter().enumerate() {
            for i in 0..k {
                // Half-answered: only the first ⌈k/2⌉ − 1 items, so the dimension score is null.
                let skipped = half_dim == Some(j) && i >= k.div_ceil(2) - 1;
                let na = skipped || rng.random_bool(0.03);
                let p_centre = lo + span * (0.66 + 0.16 * dim_level[j]);
                let p = if straight_liner { straight_value } else { on(scale, p_centre + 0.55 * normal(&mut rng)) };
                match form.format {
                    Format::Perception => {
                        row.push(b',');
                        cell(&mut row, (!na).then_some(p));
                    }
                    Format::Gap => {
                        let e = if straight_liner {
                            straight_value
                        } else {
                            on(scale, lo + span * 0.86 + 0.6 * normal(&mut rng))
                        };
                        let e_na = na || rng.random_bool(0.01);
                        row.push(b',');
                        cell(&mut row, (!e_na).then_some(e));
                        row.push(b',');
                        cell(&mut row, (!na).then_some(p));
                    }
                    Format::Zone => {
                        let min = on(scale, lo + span * 0.55 + 0.7 * normal(&mut rng));
                        // A few respondents swap the bounds: an inverted zone, kept and flagged.
                        let width =
                            if rng.random_bool(0.02) { -1.0 } else { span * 0.3 + 0.6 * normal(&mut rng).abs() };
                        let des = on(scale, f64::from(min) + width);
                        row.push(b',');
                        cell(&mut row, (!na).then_some(min));
                        row.push(b',');
                        cell(&mut row, (!na).then_some(des));
                        row.push(b',');
                        cell(&mut row, (!na).then_some(p));
                    }
                }
            }
        }

        let overall = dim_level.iter().sum::<f64>() / dim_level.len().max(1) as f64;
        if with_recovery {
            let had_problem = rng.random_bool(0.25);
            for _ in 0..recovery_items {
                row.push(b',');
                let x = on(Scale::new(1, 5), 3.3 + 0.9 * overall + 0.8 * normal(&mut rng));
                cell(&mut row, (had_problem && !rng.random_bool(0.05)).then_some(x));
            }
        }

        // Importance weights from six in ten; some totals drift off 100 (the engine normalises).
        if rng.random_bool(0.6) {
            let raw: Vec<f64> = dims.iter().map(|_| 0.2 + rng.random::<f64>()).collect();
            let total = if rng.random_bool(0.1) { 90.0 } else { 100.0 };
            let sum: f64 = raw.iter().sum();
            for r in &raw {
                row.push(b',');
                row.extend_from_slice(itoa::Buffer::new().format((total * r / sum).round() as i64).as_bytes());
            }
        } else {
            row.extend(std::iter::repeat_n(b',', dims.len()));
        }

        let answered = |rng: &mut ChaCha8Rng, share: f64| rng.random_bool(share);
        let nps = on(Scale::new(0, 10), 7.4 + 2.0 * overall + 1.3 * normal(&mut rng));
        let csat = on(Scale::new(1, 5), 3.8 + 0.9 * overall + 0.6 * normal(&mut rng));
        let ces = on(Scale::new(1, 7), 5.2 + 1.0 * overall + 0.9 * normal(&mut rng));
        let sat = on(scale, lo + span * (0.68 + 0.16 * overall) + 0.5 * normal(&mut rng));
        for (x, share) in [(nps, 0.95), (csat, 0.8), (ces, 0.6), (sat, 0.9)] {
            row.push(b',');
            let keep = answered(&mut rng, share);
            cell(&mut row, keep.then_some(x));
        }
        let with_value = answered(&mut rng, 0.7);
        for _ in 0..4 {
            let x = on(Scale::new(1, 10), 7.0 + 1.5 * overall + 1.0 * normal(&mut rng));
            row.push(b',');
            cell(&mut row, (with_value && !rng.random_bool(0.05)).then_some(x));
        }
        let with_loyalty = answered(&mut rng, 0.7);
        for _ in 0..5 {
            let x = on(Scale::new(1, 5), 3.7 + 0.8 * overall + 0.7 * normal(&mut rng));
            row.push(b',');
            cell(&mut row, (with_loyalty && !rng.random_bool(0.05)).then_some(x));
        }
        // The comment column, empty.
        row.extend_from_slice(b",\n");
        out.write_all(&row)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(20_777 * 86_400 - 1), "2026-11-19T23:59:59Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
