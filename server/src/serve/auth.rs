//! The admin token: where it comes from (flag, environment, or generated from the OS random
//! source), the constant-time check of a bearer header or the dashboard cookie.

use axum::http::{header, HeaderMap};
use subtle::ConstantTimeEq;

/// The cookie that holds the token after the one-time dashboard URL.
pub const COOKIE: &str = "eservqual_admin";
/// The environment variable read when `--admin-token` is absent.
pub const ENV: &str = "ESERVQUAL_ADMIN_TOKEN";
/// Shortest token accepted from the user.
const MIN_LEN: usize = 16;

/// The admin token. `Debug` does not show it, so it cannot slip into a log line.
#[derive(Clone)]
pub struct Token {
    secret: String,
    /// Made by this process (then printed once, inside the dashboard URL).
    pub generated: bool,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

impl Token {
    /// From the flag, else the environment, else 32 random bytes from the OS as hex.
    pub fn resolve(flag: Option<&str>, env: Option<String>) -> Result<Token, String> {
        let given = flag.map(str::to_string).or(env.filter(|t| !t.is_empty()));
        if let Some(secret) = given {
            let secret = secret.trim().to_string();
            if secret.chars().count() < MIN_LEN {
                return Err(format!("the admin token must have at least {MIN_LEN} characters"));
            }
            if !secret.bytes().all(|b| b.is_ascii_graphic()) {
                return Err("the admin token must be printable ASCII without spaces".to_string());
            }
            return Ok(Token { secret, generated: false });
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| format!("no OS randomness for the admin token: {e}"))?;
        let secret = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Token { secret, generated: true })
    }

    /// The token itself, for the one line that prints the dashboard URL.
    pub fn reveal(&self) -> &str {
        &self.secret
    }

    /// `candidate` equals the token (constant time in the token's content).
    pub fn matches(&self, candidate: &str) -> bool {
        bool::from(self.secret.as_bytes().ct_eq(candidate.as_bytes()))
    }

    /// The request carries the token: `Authorization: Bearer <token>` or the cookie.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        let bearer = headers.get_all(header::AUTHORIZATION).iter().filter_map(|v| v.to_str().ok()).any(|v| {
            let v = v.trim();
            match v.split_once(' ') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => self.matches(rest.trim()),
                _ => false,
            }
        });
        bearer || cookie(headers, COOKIE).is_some_and(|c| self.matches(c))
    }

    /// The `Set-Cookie` value holding the token for the dashboard.
    pub fn set_cookie(&self) -> String {
        format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", self.secret)
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

    #[test]
    fn bearer_and_cookie_are_admitted() {
        let t = Token::resolve(Some("0123456789abcdef-token"), None).expect("token");
        let mut h = HeaderMap::new();
        assert!(!t.admits(&h));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer 0123456789abcdef-token"));
        assert!(t.admits(&h));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer 0123456789abcdef-toke"));
        assert!(!t.admits(&h));
        h.insert(header::COOKIE, HeaderValue::from_static("a=b; eservqual_admin=0123456789abcdef-token"));
        assert!(t.admits(&h));
        assert_eq!(format!("{t:?}"), "Token(..)");
    }

    #[test]
    fn short_tokens_are_refused_and_generated_ones_are_long() {
        assert!(Token::resolve(Some("short"), None).is_err());
        let t = Token::resolve(None, None).expect("generated");
        assert!(t.generated && t.reveal().len() == 64);
    }
}
