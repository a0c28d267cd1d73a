//! `--trust-proxy CIDR...`: the reverse proxies whose forwarding headers are believed. From
//! any other peer `X-Forwarded-For`, `Forwarded` and `X-Forwarded-Proto` are ignored, so a
//! client cannot choose its own rate-limit bucket or claim https.

use axum::http::{HeaderMap, HeaderName};
use std::net::IpAddr;

/// The trusted proxies, as networks.
#[derive(Debug, Clone, Default)]
pub struct Proxies(Vec<(IpAddr, u8)>);

/// `ip` without the IPv4-mapped IPv6 wrapping (`::ffff:10.0.0.1` is `10.0.0.1`).
fn plain(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// An address as forwarding headers write it: `1.2.3.4`, `1.2.3.4:5678`, `[::1]:5678`, `::1`,
/// quoted or not.
fn parse_addr(raw: &str) -> Option<IpAddr> {
    let s = raw.trim().trim_matches('"');
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(plain(ip));
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok().map(plain);
    }
    s.rsplit_once(':').and_then(|(host, _)| host.parse().ok()).map(plain)
}

impl Proxies {
    /// Networks as `10.0.0.0/8`, `fd00::/8` or single addresses.
    pub fn parse(list: &[String]) -> Result<Proxies, String> {
        let mut out = Vec::new();
        for raw in list.iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
            let bad = || format!("'{raw}' is not an address or a network such as 10.0.0.0/8 or fd00::/8");
            let (ip, bits) = match raw.split_once('/') {
                Some((ip, bits)) => (ip.parse::<IpAddr>().map_err(|_| bad())?, bits.parse::<u8>().map_err(|_| bad())?),
                None => {
                    let ip = raw.parse::<IpAddr>().map_err(|_| bad())?;
                    (ip, if ip.is_ipv4() { 32 } else { 128 })
                }
            };
            let ip = plain(ip);
            let max = if ip.is_ipv4() { 32 } else { 128 };
            if bits > max {
                return Err(bad());
            }
            out.push((ip, bits));
        }
        Ok(Proxies(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = plain(ip);
        self.0.iter().any(|&(net, bits)| match (net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        })
    }

    /// The client's address: `peer`, or when `peer` is a trusted proxy, the nearest address in
    /// its `Forwarded` (else `X-Forwarded-For`) chain that is not a trusted proxy itself.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = plain(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let mut chain: Vec<&str> =
            forwarded_pairs(headers).filter(|(k, _)| k.eq_ignore_ascii_case("for")).map(|(_, v)| v).collect();
        if chain.is_empty() {
            chain = values(headers, "x-forwarded-for").flat_map(|v| v.split(',')).collect();
        }
        let mut client = peer;
        for raw in chain.iter().rev() {
            let Some(ip) = parse_addr(raw) else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }

    /// A trusted proxy says the request came to it over https (`Forwarded: proto=https` or
    /// `X-Forwarded-Proto: https`).
    pub fn forwarded_https(&self, peer: IpAddr, headers: &HeaderMap) -> bool {
        if !self.trusts(peer) {
            return false;
        }
        let proto = forwarded_pairs(headers)
            .filter(|(k, _)| k.eq_ignore_ascii_case("proto"))
            .map(|(_, v)| v)
            .next_back()
            .or_else(|| values(headers, "x-forwarded-proto").flat_map(|v| v.split(',')).next());
        proto.is_some_and(|p| p.trim().trim_matches('"').eq_ignore_ascii_case("https"))
    }
}

fn values<'a>(headers: &'a HeaderMap, name: &'static str) -> impl Iterator<Item = &'a str> {
    headers.get_all(HeaderName::from_static(name)).into_iter().filter_map(|v| v.to_str().ok())
}

/// The `key=value` pairs of the `Forwarded` headers, in order.
fn forwarded_pairs(headers: &HeaderMap) -> impl DoubleEndedIterator<Item = (&str, &str)> {
    values(headers, "forwarded")
        .flat_map(|v| v.split([',', ';']))
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect::<Vec<_>>()
        .into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let p = Proxies::parse(&["10.0.0.0/8".to_string(), "::1".to_string()]).expect("valid");
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        assert!(p.trusts(ip("10.2.3.4")) && p.trusts(ip("::ffff:10.0.0.1")) && p.trusts(ip("::1")));
        assert!(!p.trusts(ip("11.0.0.1")) && !p.trusts(ip("::2")));
        let xff = headers(&[("x-forwarded-for", "198.51.100.7, 203.0.113.9, 10.0.0.3")]);
        assert_eq!(p.client(ip("10.0.0.1"), &xff), ip("203.0.113.9"));
        assert_eq!(p.client(ip("192.0.2.1"), &xff), ip("192.0.2.1"), "an untrusted peer's header is ignored");
        let fwd = headers(&[("forwarded", "for=198.51.100.7;proto=https, for=\"[2001:db8::1]:4711\"")]);
        assert_eq!(p.client(ip("10.0.0.1"), &fwd), ip("2001:db8::1"));
        assert!(p.forwarded_https(ip("10.0.0.1"), &fwd));
        assert!(!p.forwarded_https(ip("192.0.2.1"), &fwd));
        assert!(p.forwarded_https(ip("::1"), &headers(&[("x-forwarded-proto", "https")])));
        assert_eq!(p.client(ip("10.0.0.1"), &headers(&[("x-forwarded-for", "junk")])), ip("10.0.0.1"));
        assert!(Proxies::parse(&["10.0.0.0/33".to_string()]).is_err());
        assert!(Proxies::parse(&["proxy.example".to_string()]).is_err());
    }
}
