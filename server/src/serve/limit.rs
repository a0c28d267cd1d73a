//! The per-client rate limit of ingest (GCRA from `governor`), keyed by IP address (IPv6 by its
//! /64, the usual size of one subscriber's network), with the wait for `Retry-After`.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::time::Duration;

/// A keyed limiter: `per_second` sustained per client, bursts of up to `burst`.
pub struct Limiter {
    inner: DefaultKeyedRateLimiter<IpAddr>,
}

impl Limiter {
    /// `None` when `per_second` is 0 (no limit); an error for a negative or absurd rate.
    pub fn new(per_second: f64, burst: u32) -> Result<Option<Limiter>, String> {
        if per_second == 0.0 {
            return Ok(None);
        }
        if !per_second.is_finite() || !(0.0..=1e6).contains(&per_second) {
            return Err(format!(
                "--rate-limit {per_second}: use a number of responses per second from 0 (off) to 1000000"
            ));
        }
        let burst = NonZeroU32::new(burst).ok_or("--rate-burst must be at least 1")?;
        let quota = Quota::with_period(Duration::from_secs_f64(1.0 / per_second))
            .ok_or("--rate-limit is too high")?
            .allow_burst(burst);
        Ok(Some(Limiter { inner: RateLimiter::keyed(quota) }))
    }

    /// `Ok` when `ip` may send now, else how long it must wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        let key = match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
            },
            v4 => v4,
        };
        self.inner.check_key(&key).map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// Forgets clients whose allowance is full again, so memory follows the active clients.
    pub fn forget_idle(&self) {
        self.inner.retain_recent();
        self.inner.shrink_to_fit();
    }
}

/// `Retry-After` seconds for a wait: whole seconds, rounded up, at least 1.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_a_wait() {
        let l = Limiter::new(1.0, 3).expect("valid").expect("on");
        let ip: IpAddr = "10.0.0.1".parse().expect("ip");
        for _ in 0..3 {
            assert!(l.check(ip).is_ok());
        }
        let wait = l.check(ip).expect_err("limited");
        assert_eq!(retry_after_secs(wait), 1);
        assert!(l.check("10.0.0.2".parse().expect("ip")).is_ok());
        assert!(Limiter::new(0.0, 3).expect("valid").is_none());
        assert!(Limiter::new(-1.0, 3).is_err());
    }
}
