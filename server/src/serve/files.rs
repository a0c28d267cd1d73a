//! Static files: the `--www` folder (public) and the dashboard's files (admin only). A request
//! path is percent-decoded once and resolved here, then served with `ServeFile` (which does
//! not look at the path again): never a dotfile, never through a link that leads out of the
//! folder, never the dashboard through the public folder; every answer carries the security
//! headers.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use std::path::{Path, PathBuf};
use tower_http::services::ServeFile;

/// The Content-Security-Policy of the public static files: the widget's needs (its script,
/// WebAssembly, its styles and its POST to this origin), nothing inline, nothing framed.
pub const STATIC_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";

/// The Content-Security-Policy of the dashboard page and its files.
pub const DASHBOARD_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The file under `root` (a canonical folder) that the URL path `raw` names, or `None`: for a
/// path that does not decode to UTF-8, a segment starting with `.` (dotfiles, `..`), a
/// backslash or NUL, a first segment equal to `hidden` (any case), a file that does not exist,
/// or one whose real location (links followed) is outside `root` or under `root/hidden`. A
/// folder stands for its `index.html`.
pub fn resolve(root: &Path, raw: &str, hidden: Option<&str>) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    let segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    let mut path = root.to_path_buf();
    for (i, seg) in segments.iter().enumerate() {
        if seg.starts_with('.')
            || seg.contains(['\\', '\0'])
            || (i == 0 && hidden.is_some_and(|h| seg.eq_ignore_ascii_case(h)))
        {
            return None;
        }
        path.push(seg);
    }
    if path.is_dir() {
        path.push("index.html");
    }
    let real = path.canonicalize().ok()?;
    let inside = real.strip_prefix(root).ok()?;
    let first = inside.components().next().and_then(|c| c.as_os_str().to_str());
    if hidden.is_some_and(|h| first.is_some_and(|f| f.eq_ignore_ascii_case(h))) || !real.is_file() {
        return None;
    }
    // A link inside the folder may still point at a dotfile of it.
    if inside.components().any(|c| c.as_os_str().to_str().is_none_or(|s| s.starts_with('.'))) {
        return None;
    }
    Some(real)
}

/// A URL path naming a folder of `root` without its trailing slash: the browser is sent to the
/// path with the slash (relative links of the folder's `index.html` resolve against it).
pub fn wants_slash(root: &Path, raw: &str, hidden: Option<&str>) -> bool {
    !raw.ends_with('/') && resolve(root, &format!("{raw}/"), hidden).is_some() && {
        let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
        root.join(decoded.trim_start_matches('/')).is_dir()
    }
}

/// Serves `file` for `req` (conditional requests and ranges included); `None` when it cannot be
/// read.
pub async fn serve(file: PathBuf, req: Request) -> Option<Response> {
    let res = ServeFile::new(file).try_call(req).await.ok()?;
    Some(res.map(Body::new))
}

/// Adds the security headers every static answer carries, the policy `csp` and `cache`.
pub fn secure(headers: &mut HeaderMap, csp: &'static str, cache: &'static str) {
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_and_skip_dotfiles_and_the_dashboard() {
        let dir = std::env::temp_dir().join(format!("eservqual-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("www/dashboard")).expect("dirs");
        std::fs::create_dir_all(dir.join("www/shop")).expect("dirs");
        std::fs::write(dir.join("www/shop/index.html"), "shop").expect("write");
        std::fs::write(dir.join("www/.env"), "secret").expect("write");
        std::fs::write(dir.join("www/dashboard/index.html"), "dash").expect("write");
        std::fs::write(dir.join("outside.txt"), "out").expect("write");
        let root = dir.join("www").canonicalize().expect("root");
        let ok = |p: &str| resolve(&root, p, Some("dashboard")).is_some();
        assert!(ok("/shop/") && ok("/shop") && ok("//shop/index.html") && ok("/%73hop/index.html"));
        assert!(!ok("/.env") && !ok("/%2eenv") && !ok("/../outside.txt") && !ok("/shop/%2e%2e/%2e%2e/outside.txt"));
        assert!(!ok("/dashboard/") && !ok("//dashboard/index.html") && !ok("/%64ashboard/index.html"));
        assert!(!ok("/DASHBOARD/index.html") && !ok("/nope"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("outside.txt"), dir.join("www/link.txt")).expect("link");
            std::os::unix::fs::symlink(dir.join("www/dashboard"), dir.join("www/dash")).expect("link");
            assert!(!ok("/link.txt") && !ok("/dash/index.html"));
        }
        assert!(resolve(&root.join("dashboard"), "/index.html", None).is_some());
        assert!(wants_slash(&root, "/shop", Some("dashboard")) && !wants_slash(&root, "/shop/", Some("dashboard")));
        assert!(!wants_slash(&root, "/dashboard", Some("dashboard")));
    }
}
