//! The collector's one error answer (docs/interfaces.md "Collector HTTP API"): a status, a code
//! (the core's [`ErrorCode`] where the core has a word for the mistake, else one of the
//! collector's own), the field at fault and a message, sent as
//! `{"error": {"code", "field", "message"}}` with whatever headers the status calls for.

use super::store::StoreError;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use eservqual_core::ErrorCode;

/// What an error answer says went wrong: its `error.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A mistake the core names: payload validation, an unknown instrument, a bad time, ...
    Core(ErrorCode),
    /// A key that appears twice in one JSON object.
    DuplicateKey,
    /// A different response is stored under this id.
    Conflict,
    /// A body over the limit.
    TooLarge,
    /// A body that could not be read to its end.
    InvalidBody,
    /// A body that is neither text/plain nor application/json in UTF-8.
    UnsupportedMediaType,
    /// Too many requests from one client.
    RateLimited,
    /// The database could not store or read (try again).
    Storage,
    /// An admin route without the token or a live session.
    Unauthorized,
    /// A state-changing request from an origin that is not allowed.
    ForbiddenOrigin,
    /// No such route or file.
    NotFound,
    /// A request that took longer than the request timeout.
    Timeout,
    /// A query string that does not parse.
    InvalidQuery,
    /// A bug or a failed system call: nothing the client can fix.
    Internal,
}

impl Code {
    /// The stable kebab-case name of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Core(code) => code.as_str(),
            Code::DuplicateKey => "duplicate-key",
            Code::Conflict => "conflict",
            Code::TooLarge => "too-large",
            Code::InvalidBody => "invalid-body",
            Code::UnsupportedMediaType => "unsupported-media-type",
            Code::RateLimited => "rate-limited",
            Code::Storage => "storage",
            Code::Unauthorized => "unauthorized",
            Code::ForbiddenOrigin => "forbidden-origin",
            Code::NotFound => "not-found",
            Code::Timeout => "timeout",
            Code::InvalidQuery => "invalid-query",
            Code::Internal => "internal",
        }
    }
}

/// An error answer on its way out of a handler or a middleware (boxed: handlers return it by
/// value in a `Result`, which stays one pointer wide).
#[derive(Debug)]
pub struct ApiError(Box<Inner>);

#[derive(Debug)]
struct Inner {
    status: StatusCode,
    code: Code,
    field: String,
    message: String,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: Code, field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError(Box::new(Inner { status, code, field: field.into(), message: message.into(), headers: Vec::new() }))
    }

    /// A 400 for a mistake the core has a code for.
    pub fn bad(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, Code::Core(code), field, message)
    }

    /// The same answer with one more header.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> ApiError {
        self.0.headers.push((name, value));
        self
    }

    /// 401 with `WWW-Authenticate: Bearer` and how to get in.
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            Code::Unauthorized,
            "Authorization",
            "send 'Authorization: Bearer <admin token>' or open the dashboard URL printed at startup",
        )
        .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    }

    /// 503 with `Retry-After: 5` for a store that failed (logged here, with its cause, which
    /// the client is not told).
    pub fn storage(e: &StoreError) -> ApiError {
        tracing::error!(error = %e, "storage failed");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, Code::Storage, "", "the response could not be stored; try again")
            .with_header(header::RETRY_AFTER, HeaderValue::from_static("5"))
    }

    /// 404 for a route or file that is not there.
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, Code::NotFound, "", "no such route")
    }

    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    pub fn code(&self) -> Code {
        self.0.code
    }

    pub fn field(&self) -> &str {
        &self.0.field
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl From<eservqual_core::Error> for ApiError {
    fn from(e: eservqual_core::Error) -> Self {
        let e = e.into_inner();
        ApiError::bad(e.code, e.field, e.message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::storage(&e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let Inner { status, code, field, message, headers } = *self.0;
        let body = serde_json::json!({ "error": { "code": code.as_str(), "field": field, "message": message } });
        let mut res = (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response();
        res.headers_mut().extend(headers);
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_error_answer_carries_its_code_field_message_and_headers() {
        let res = ApiError::unauthorized().into_response();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(res.headers()[header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
        let body = axum::body::to_bytes(res.into_body(), 4096).await.expect("body");
        let v: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(v["error"]["code"], "unauthorized");
        assert_eq!(v["error"]["field"], "Authorization");
    }

    #[test]
    fn core_errors_keep_the_core_code() {
        let e = ApiError::from(eservqual_core::Error::new(ErrorCode::OutOfRange, "answers.EFF1.p", "too big"));
        assert_eq!(
            (e.status(), e.code().as_str(), e.field(), e.message()),
            (StatusCode::BAD_REQUEST, "out-of-range", "answers.EFF1.p", "too big")
        );
    }
}
