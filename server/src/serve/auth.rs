//! The admin token (a flag, a file, the environment, or generated from the OS random source)
//! and the dashboard's sessions: a one-time code in the dashboard URL is exchanged once for a
//! random session id kept here, in an `HttpOnly; SameSite=Strict` cookie that expires. The
//! token itself is never put in a cookie or a URL.

use axum::http::{header, HeaderMap};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// The cookie that holds the session id after the one-time dashboard URL.
pub const COOKIE: &str = "eservqual_session";
/// The environment variable read when neither `--admin-token` nor `--admin-token-file` is given.
pub const ENV: &str = "ESERVQUAL_ADMIN_TOKEN";
/// Shortest token accepted from the user.
pub const MIN_LEN: usize = 32;
/// Fewest distinct characters in a token accepted from the user.
pub const MIN_DISTINCT: usize = 10;
/// How long a one-time dashboard code may wait to be used.
pub const CODE_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// How long a dashboard session lasts (not renewed by use).
pub const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 3600);
/// Most one-time codes and sessions kept at once (the oldest go first).
const MAX_KEPT: usize = 64;

/// The admin token. `Debug` does not show it, so it cannot slip into a log line.
#[derive(Clone)]
pub struct Token {
    secret: String,
    /// Made by this process.
    pub generated: bool,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

/// 32 random bytes from the OS as 64 hex digits.
pub fn random_hex() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no OS randomness: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl Token {
    /// From the flag, else the file, else the environment, else generated.
    pub fn resolve(flag: Option<&str>, file: Option<&std::path::Path>, env: Option<String>) -> Result<Token, String> {
        let from_file = match file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read the admin token file {}: {e}", path.display()))?,
            ),
            None => None,
        };
        let given = flag.map(str::to_string).or(from_file).or(env.filter(|t| !t.is_empty()));
        if let Some(secret) = given {
            let secret = secret.trim().to_string();
            if !secret.bytes().all(|b| b.is_ascii_graphic()) {
                return Err("the admin token must be printable ASCII without spaces".to_string());
            }
            let mut distinct: Vec<u8> = secret.bytes().collect();
            distinct.sort_unstable();
            distinct.dedup();
            if secret.len() < MIN_LEN || distinct.len() < MIN_DISTINCT {
                return Err(format!(
                    "the admin token must have at least {MIN_LEN} characters, {MIN_DISTINCT} of them different \
                     (e.g. openssl rand -hex 32)"
                ));
            }
            return Ok(Token { secret, generated: false });
        }
        Ok(Token { secret: random_hex()?, generated: true })
    }

    /// The token itself, for the one startup line that shows a generated token.
    pub fn reveal(&self) -> &str {
        &self.secret
    }

    /// `candidate` equals the token (constant time in the token's content).
    pub fn matches(&self, candidate: &str) -> bool {
        bool::from(self.secret.as_bytes().ct_eq(candidate.as_bytes()))
    }

    /// The request carries `Authorization: Bearer <token>`.
    pub fn bearer(&self, headers: &HeaderMap) -> bool {
        headers.get_all(header::AUTHORIZATION).iter().filter_map(|v| v.to_str().ok()).any(|v| {
            match v.trim().split_once(' ') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => self.matches(rest.trim()),
                _ => false,
            }
        })
    }
}

/// Secrets that expire: the one-time codes or the sessions.
#[derive(Default)]
struct Expiring(Mutex<HashMap<String, Instant>>);

impl Expiring {
    fn add(&self, secret: String, lifetime: Duration) {
        let now = Instant::now();
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        map.retain(|_, until| *until > now);
        while map.len() >= MAX_KEPT {
            let Some(oldest) = map.iter().min_by_key(|(_, until)| **until).map(|(k, _)| k.clone()) else { break };
            map.remove(&oldest);
        }
        map.insert(secret, now + lifetime);
    }

    /// `candidate` is kept and not expired; `take` removes it (a one-time code).
    fn check(&self, candidate: &str, take: bool) -> bool {
        let now = Instant::now();
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Compared in constant time with every kept secret, not looked up by hash.
        let found = map.keys().find(|k| bool::from(k.as_bytes().ct_eq(candidate.as_bytes()))).cloned();
        let Some(key) = found else { return false };
        let live = map.get(&key).is_some_and(|until| *until > now);
        if take || !live {
            map.remove(&key);
        }
        live
    }
}

/// The admin side: the token, the one-time codes and the sessions.
pub struct Admin {
    pub token: Token,
    codes: Expiring,
    sessions: Expiring,
}

impl Admin {
    pub fn new(token: Token) -> Admin {
        Admin { token, codes: Expiring::default(), sessions: Expiring::default() }
    }

    /// A new one-time dashboard code, valid for [`CODE_LIFETIME`].
    pub fn new_code(&self) -> Result<String, String> {
        let code = random_hex()?;
        self.codes.add(code.clone(), CODE_LIFETIME);
        Ok(code)
    }

    /// Spends `code`; a new session id when it was valid.
    pub fn exchange(&self, code: &str) -> Option<String> {
        if !self.codes.check(code, true) {
            return None;
        }
        let id = random_hex().ok()?;
        self.sessions.add(id.clone(), SESSION_LIFETIME);
        Some(id)
    }

    /// The request is the admin's: the bearer token, or the cookie of a live session.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        self.token.bearer(headers) || cookie(headers, COOKIE).is_some_and(|id| self.sessions.check(id, false))
    }

    /// The `Set-Cookie` value for session `id`; `Secure` when the dashboard is reached over https.
    pub fn set_cookie(id: &str, secure: bool) -> String {
        let secure = if secure { "; Secure" } else { "" };
        format!("{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}", SESSION_LIFETIME.as_secs())
    }
}

/// The value of cookie `name` in the `Cookie` headers.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const GOOD: &str = "0123456789abcdef-token-0123456789";

    #[test]
    fn bearer_and_session_cookie_are_admitted_and_a_code_works_once() {
        let admin = Admin::new(Token::resolve(Some(GOOD), None, None).expect("token"));
        let mut h = HeaderMap::new();
        assert!(!admin.admits(&h));
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {GOOD}")).expect("header"));
        assert!(admin.admits(&h));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("{COOKIE}={GOOD}")).expect("header"));
        assert!(!admin.admits(&h), "the token is no session id");
        let code = admin.new_code().expect("code");
        let id = admin.exchange(&code).expect("a session");
        assert!(admin.exchange(&code).is_none(), "a code works once");
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("a=b; {COOKIE}={id}")).expect("header"));
        assert!(admin.admits(&h));
        assert_eq!(format!("{:?}", admin.token), "Token(..)");
        let set = Admin::set_cookie(&id, true);
        assert!(
            set.contains("HttpOnly")
                && set.contains("SameSite=Strict")
                && set.contains("Max-Age=")
                && set.ends_with("; Secure")
        );
    }

    #[test]
    fn short_or_repetitive_tokens_are_refused_and_generated_ones_are_long() {
        assert!(Token::resolve(Some("short"), None, None).is_err());
        assert!(Token::resolve(Some(&"a".repeat(40)), None, None).is_err());
        assert!(Token::resolve(Some("abababababababababababababababababab"), None, None).is_err());
        assert!(Token::resolve(None, None, Some(GOOD.to_string())).is_ok_and(|t| !t.generated));
        let t = Token::resolve(None, None, None).expect("generated");
        assert!(t.generated && t.secret.len() == 64);
    }
}
