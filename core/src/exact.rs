//! Exact sums of binary floating-point numbers and of their products, for the mergeable
//! summaries of `summary`.
//!
//! Every finite f64 is an integer times a power of two, and so is the product of two of them
//! (a 106-bit integer times a power of two). [`Exact`] keeps such a sum as a signed big integer
//! in base 2³², scaled by a power of 2³², with no rounding at all: adding the same values in
//! any order, or summing parts and adding the parts, gives the same value, and the value has
//! one representation, so equal sums compare equal. Only [`Exact::to_f64`] rounds, once.

use serde::{Deserialize, Serialize};

const BITS: i32 = 32;
const MASK: i64 = 0xFFFF_FFFF;
const HALF: i64 = 1 << 31;
const RADIX: i64 = 1 << 32;

/// Σ limbs[i]·2^(32·(base + i)), kept canonical: empty for zero; otherwise the lowest limb is
/// not 0, every limb below the top is in [0, 2³²), and the top one is in [−2³¹, 2³¹) and as
/// low as the value allows (the shortest two's-complement form).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<i64>", into = "Vec<i64>")]
pub struct Exact {
    base: i32,
    limbs: Vec<i64>,
}

/// `(negative, m, e)` with |x| = m·2^e, for a finite x.
fn parts(x: f64) -> (bool, u64, i32) {
    let bits = x.to_bits();
    let negative = bits >> 63 == 1;
    let exponent = ((bits >> 52) & 0x7FF) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if exponent == 0 {
        (negative, fraction, -1074)
    } else {
        (negative, fraction | (1 << 52), exponent - 1075)
    }
}

/// x·2^k without overflow or underflow on the way.
fn scale2(mut x: f64, mut k: i64) -> f64 {
    while k > 1000 {
        x *= 2f64.powi(1000);
        k -= 1000;
    }
    while k < -1000 {
        x *= 2f64.powi(-1000);
        k += 1000;
    }
    x * 2f64.powi(k as i32)
}

impl Exact {
    /// Zero.
    pub fn new() -> Exact {
        Exact::default()
    }

    /// An integer.
    pub fn from_int(x: i64) -> Exact {
        let mut e = Exact::new();
        e.add_scaled(x < 0, u128::from(x.unsigned_abs()), 0);
        e
    }

    pub fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    /// −1, 0 or 1.
    pub fn signum(&self) -> i32 {
        match self.limbs.last() {
            None => 0,
            Some(&t) if t < 0 => -1,
            Some(_) => 1,
        }
    }

    /// Adds x. Infinities and NaN have no exact value: they are left out (the summaries only
    /// see finite scores).
    pub fn add_f64(&mut self, x: f64) {
        if x.is_finite() && x != 0.0 {
            let (negative, m, e) = parts(x);
            self.add_scaled(negative, u128::from(m), e);
        }
    }

    /// Adds the exact product x·y (x² when both are the same).
    pub fn add_product(&mut self, x: f64, y: f64) {
        if x.is_finite() && y.is_finite() && x != 0.0 && y != 0.0 {
            let ((nx, mx, ex), (ny, my, ey)) = (parts(x), parts(y));
            self.add_scaled(nx != ny, u128::from(mx) * u128::from(my), ex + ey);
        }
    }

    /// Adds another exact sum.
    pub fn add(&mut self, other: &Exact) {
        self.add_signed(other, false);
    }

    /// Subtracts another exact sum.
    pub fn sub(&mut self, other: &Exact) {
        self.add_signed(other, true);
    }

    /// The exact product of two sums.
    pub fn mul(&self, other: &Exact) -> Exact {
        if self.is_zero() || other.is_zero() {
            return Exact::new();
        }
        let mut wide = vec![0i128; self.limbs.len() + other.limbs.len()];
        for (i, &a) in self.limbs.iter().enumerate() {
            for (j, &b) in other.limbs.iter().enumerate() {
                wide[i + j] += i128::from(a) * i128::from(b);
            }
        }
        let mut limbs = Vec::with_capacity(wide.len() + 2);
        let mut carry = 0i128;
        for v in wide {
            let v = v + carry;
            limbs.push((v & i128::from(MASK)) as i64);
            carry = v >> BITS;
        }
        // |carry| < 2⁶⁴ here: two more limbs at most.
        let mut out = Exact { base: self.base + other.base, limbs };
        while !(-i128::from(HALF)..i128::from(HALF)).contains(&carry) {
            out.limbs.push((carry & i128::from(MASK)) as i64);
            carry >>= BITS;
        }
        out.limbs.push(carry as i64);
        out.trim();
        out
    }

    /// The nearest f64 but for the last bit or so (the top 96 bits, converted once).
    pub fn to_f64(&self) -> f64 {
        let n = self.limbs.len();
        if n == 0 {
            return 0.0;
        }
        let start = n.saturating_sub(3);
        let mut v: i128 = 0;
        for &l in self.limbs[start..].iter().rev() {
            v = (v << BITS) + i128::from(l);
        }
        // The top limb is signed, the others are not: the loop above starts from the top, so
        // its sign carries through the shifts.
        scale2(v as f64, i64::from(BITS) * (i64::from(self.base) + start as i64))
    }

    /// Adds ±u·2^e.
    fn add_scaled(&mut self, negative: bool, u: u128, e: i32) {
        if u == 0 {
            return;
        }
        let block = e.div_euclid(BITS);
        let shift = e.rem_euclid(BITS) as u32;
        let low = u << shift;
        let high = if shift == 0 { 0 } else { u >> (128 - shift) };
        let chunks = [low, low >> 32, low >> 64, low >> 96, high].map(|c| (c as u64 & MASK as u64) as i64);
        // Only the blocks from the lowest to the highest non-zero chunk are touched.
        let first = chunks.iter().position(|&c| c != 0).unwrap_or(0);
        let end = chunks.iter().rposition(|&c| c != 0).map_or(0, |p| p + 1);
        self.widen(block + first as i32, block + end as i32);
        let at = (block + first as i32 - self.base) as usize;
        for (limb, &c) in self.limbs[at..].iter_mut().zip(&chunks[first..end]) {
            *limb += if negative { -c } else { c };
        }
        self.normalise();
    }

    fn add_signed(&mut self, other: &Exact, negate: bool) {
        if other.is_zero() {
            return;
        }
        self.widen(other.base, other.base + other.limbs.len() as i32);
        let at = (other.base - self.base) as usize;
        for (j, &l) in other.limbs.iter().enumerate() {
            self.limbs[at + j] += if negate { -l } else { l };
        }
        self.normalise();
    }

    /// Makes room for the limbs of blocks `lo..hi` (the value is unchanged; limbs above the
    /// top may be zero until the next `normalise`).
    fn widen(&mut self, lo: i32, hi: i32) {
        if self.limbs.is_empty() {
            self.base = lo;
            self.limbs.resize((hi - lo) as usize, 0);
            return;
        }
        if lo < self.base {
            let extra = (self.base - lo) as usize;
            self.limbs.splice(0..0, std::iter::repeat_n(0, extra));
            self.base = lo;
        }
        let top = self.base + self.limbs.len() as i32;
        if hi > top {
            self.limbs.resize(self.limbs.len() + (hi - top) as usize, 0);
        }
    }

    /// Back to the canonical form after limbs were added to (each |limb| < 2⁶²).
    fn normalise(&mut self) {
        let mut carry = 0i64;
        for l in self.limbs.iter_mut() {
            let v = *l + carry;
            *l = v & MASK;
            carry = v >> BITS;
        }
        // Every limb is now in [0, 2³²), the value Σ + carry·2^(32·len). The usual case: the
        // top limb, read as signed, already is the shortest form.
        if let Some(top) = self.limbs.last_mut() {
            let fits = match carry {
                0 => (1..HALF).contains(top),
                // A top of −1 may only extend the sign of the limb below: left to `trim`.
                -1 if *top >= HALF && *top != MASK => {
                    *top -= RADIX;
                    true
                }
                _ => false,
            };
            if fits {
                if self.limbs[0] == 0 {
                    self.trim();
                }
                return;
            }
        }
        while !(-HALF..HALF).contains(&carry) {
            self.limbs.push(carry & MASK);
            carry >>= BITS;
        }
        self.limbs.push(carry);
        self.trim();
    }

    /// Drops redundant top limbs (a 0 or −1 that only extends the sign) and zero low limbs.
    fn trim(&mut self) {
        while let [.., below, top] = self.limbs[..] {
            if top == 0 && below < HALF {
                self.limbs.pop();
            } else if top == -1 && below >= HALF {
                self.limbs.pop();
                *self.limbs.last_mut().expect("a limb below") -= RADIX;
            } else {
                break;
            }
        }
        if self.limbs == [0] {
            self.limbs.clear();
        }
        let zeros = self.limbs.iter().take_while(|&&l| l == 0).count();
        if zeros > 0 {
            self.limbs.drain(..zeros);
            self.base += zeros as i32;
        }
        if self.limbs.is_empty() {
            self.base = 0;
        }
    }
}

/// Serialised as `[base, limb, limb, ...]` (`[]` for zero).
impl From<Exact> for Vec<i64> {
    fn from(e: Exact) -> Vec<i64> {
        if e.limbs.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(e.limbs.len() + 1);
        out.push(i64::from(e.base));
        out.extend(e.limbs);
        out
    }
}

impl TryFrom<Vec<i64>> for Exact {
    type Error = String;

    /// Reads `[base, limbs...]`; limbs outside (−2³², 2³²) or a base out of range are refused,
    /// anything else is brought to the canonical form.
    fn try_from(mut limbs: Vec<i64>) -> Result<Exact, String> {
        if limbs.is_empty() {
            return Ok(Exact::new());
        }
        let base = limbs.remove(0);
        if limbs.len() > 256 || !(-1_000_000..=1_000_000).contains(&base) {
            return Err("an exact sum out of range".to_string());
        }
        if limbs.iter().any(|l| l.abs() >= RADIX) {
            return Err("an exact sum with a limb of more than 32 bits".to_string());
        }
        let mut e = Exact { base: base as i32, limbs };
        e.normalise();
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(xs: &[f64]) -> Exact {
        let mut e = Exact::new();
        xs.iter().for_each(|&x| e.add_f64(x));
        e
    }

    #[test]
    fn sums_are_exact_in_any_order() {
        let xs = [0.1, 1e20, -1e20, 1.0 / 3.0, -0.1, 5e-300, 2.5, -7.25, f64::MIN_POSITIVE / 8.0];
        let a = sum(&xs);
        let mut rev = xs;
        rev.reverse();
        assert_eq!(a, sum(&rev));
        // 0.1 − 0.1 and 1e20 − 1e20 cancel exactly.
        assert_eq!(a, sum(&[1.0 / 3.0, 5e-300, 2.5, -7.25, f64::MIN_POSITIVE / 8.0]));
        let mut parts = sum(&xs[..4]);
        parts.add(&sum(&xs[4..]));
        assert_eq!(a, parts);
    }

    #[test]
    fn zero_negatives_and_conversion() {
        assert!(sum(&[1.5, -1.5]).is_zero());
        assert_eq!(sum(&[1.5, -1.5]), Exact::new());
        for x in [1.0, -1.0, 0.75, -1e300, 3.0e-310, -(2f64.powi(31)), 2f64.powi(31), -(2f64.powi(32)), 1.0 / 3.0] {
            let e = sum(&[x]);
            assert_eq!(e.to_f64(), x, "{x}");
            assert_eq!(e.signum(), if x < 0.0 { -1 } else { 1 });
            let mut twice = e.clone();
            twice.add(&e);
            assert_eq!(twice.to_f64(), 2.0 * x, "{x}");
            let mut none = e.clone();
            none.sub(&e);
            assert!(none.is_zero());
            let back = Exact::try_from(Vec::<i64>::from(e.clone())).unwrap();
            assert_eq!(back, e);
        }
        assert_eq!(Exact::from_int(-5).to_f64(), -5.0);
        assert_eq!(Exact::from_int(i64::MIN).to_f64(), i64::MIN as f64);
    }

    #[test]
    fn products_are_exact() {
        let x = 1.0 / 3.0;
        let mut sq = Exact::new();
        sq.add_product(x, x);
        assert_eq!(sq, sum(&[x]).mul(&sum(&[x])));
        // n·Σx² − (Σx)² is exactly 0 for a constant column, whatever the constant.
        let mut s = Exact::new();
        let mut q = Exact::new();
        for _ in 0..7 {
            s.add_f64(x);
            q.add_product(x, x);
        }
        let mut num = q.mul(&Exact::from_int(7));
        num.sub(&s.mul(&s));
        assert!(num.is_zero());
        assert_eq!(Exact::from_int(-3).mul(&Exact::from_int(1 << 40)).to_f64(), -3.0 * 2f64.powi(40));
        let big = Exact::from_int(i64::MAX);
        assert_eq!(big.mul(&big).to_f64(), (i64::MAX as f64) * (i64::MAX as f64));
        let neg = Exact::from_int(i64::MIN + 1);
        assert_eq!(neg.mul(&big).to_f64(), -(i64::MAX as f64) * (i64::MAX as f64));
    }

    #[test]
    fn every_sum_has_one_form() {
        // −1 reached from above: the limbs 2³² − 1 below a top of −1 are one limb −1.
        let mut e = Exact::from_int(1 << 32);
        e.sub(&Exact::from_int((1 << 32) + 1));
        assert_eq!(e, Exact::from_int(-1));
        assert_eq!(Vec::<i64>::from(e), vec![0, -1]);
        // Crossing zero and limb boundaries either way.
        for (a, b) in [(1i64 << 31, 1i64), (-(1 << 31), -1), (1 << 40, -(1 << 40) - 1), (-(1 << 33), 1 << 32)] {
            let mut e = Exact::from_int(a);
            e.add(&Exact::from_int(b));
            assert_eq!(e, Exact::from_int(a + b), "{a} + {b}");
            let mut x = Exact::new();
            x.add_f64(a as f64 * 2f64.powi(-40));
            x.add_f64(b as f64 * 2f64.powi(-40));
            let mut y = Exact::new();
            y.add_f64((a + b) as f64 * 2f64.powi(-40));
            assert_eq!(x, y, "{a} + {b} scaled");
        }
    }

    #[test]
    fn malformed_sums_are_refused() {
        assert!(Exact::try_from(vec![0, 1 << 40]).is_err());
        assert!(Exact::try_from(vec![i64::MAX, 1]).is_err());
        assert_eq!(Exact::try_from(vec![3, 0, 0]).unwrap(), Exact::new());
        // A non-canonical but valid form reads as the canonical one.
        assert_eq!(Exact::try_from(vec![0, 5, 0]).unwrap(), Exact::from_int(5));
    }
}
