//! The activity's input, the spec's `http_request`, checked and turned into what the client
//! sends: method, URL, headers with `{{secret NAME}}` filled in, body. Scheduling fields
//! (`start_to_close_timeout_ms`, `retry_policy`, `local`…) are the worker's business and ignored.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;

use super::failure::{self, HttpFailure};
use crate::config::{Secret, is_secret_name_char};

/// Headers a request may not set: the client derives them from the URL and body, and a `Host`
/// of the workflow's choosing would reach a server the allow-list never checked.
const FORBIDDEN_HEADERS: [&str; 4] = ["host", "content-length", "transfer-encoding", "connection"];

/// The fields of `http_request` the executor reads.
#[derive(Deserialize)]
struct RawRequest {
    method: String,
    url: String,
    #[serde(default)]
    headers: Option<BTreeMap<String, String>>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    max_response_bytes: Option<u64>,
}

/// A request ready to send, with its secrets filled in.
pub(super) struct PreparedRequest {
    /// Upper-case method.
    pub(super) method: Method,
    /// The absolute http(s) URL, without credentials.
    pub(super) url: url::Url,
    /// Headers as sent, secret-bearing ones marked sensitive.
    pub(super) headers: HeaderMap,
    /// Names of the headers whose values hold a secret, dropped on a redirect to another origin.
    pub(super) secret_headers: Vec<HeaderName>,
    /// The request body.
    pub(super) body: Option<Vec<u8>>,
    /// The request's own cap on the response body, if it set one.
    pub(super) max_response_bytes: Option<u64>,
    /// The secret values this request carries, scrubbed from anything that goes back.
    pub(super) secrets_used: Vec<Secret>,
}

impl PreparedRequest {
    /// Parses `input` and fills in secrets; every problem is a non-retryable failure naming the
    /// field (or placeholder) at fault, never a secret value.
    pub(super) fn parse(
        input: &[u8],
        secrets: &BTreeMap<String, Secret>,
    ) -> Result<PreparedRequest, HttpFailure> {
        let deserializer = &mut serde_json::Deserializer::from_slice(input);
        let raw: RawRequest = serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let path = err.path().to_string();
            let at = if path == "." {
                String::new()
            } else {
                format!(" at `{path}`")
            };
            failure::bad_request(format!("http_request{at}: {}", err.inner()))
        })?;

        let method = raw.method.trim().to_ascii_uppercase();
        if method.is_empty() {
            return Err(failure::bad_request(
                "http_request `method` is empty".into(),
            ));
        }
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| {
            failure::bad_request(format!(
                "http_request `method` `{method}` is not an HTTP method such as GET or POST"
            ))
        })?;

        let url = url::Url::parse(raw.url.trim()).map_err(|err| {
            failure::bad_request(format!("http_request `url` is not an absolute URL: {err}"))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(failure::bad_request(format!(
                "http_request `url` has scheme `{}`; only http and https can be called",
                url.scheme()
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(failure::bad_request(
                "http_request `url` carries credentials, which would be kept in history: send them \
                 in a header with a {{secret NAME}} placeholder instead"
                    .into(),
            ));
        }

        let mut headers = HeaderMap::new();
        let mut secret_headers = Vec::new();
        let mut secrets_used = Vec::new();
        for (name, value) in raw.headers.unwrap_or_default() {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                failure::bad_request(format!(
                    "http_request `headers`: `{name}` is not a valid header name"
                ))
            })?;
            if FORBIDDEN_HEADERS.contains(&header.as_str()) {
                return Err(failure::bad_request(format!(
                    "http_request `headers.{name}` cannot be set: the client derives it from the \
                     URL and body"
                )));
            }
            let before = secrets_used.len();
            let filled = fill_secrets(&value, &name, secrets, &mut secrets_used)?;
            let mut value = HeaderValue::from_str(&filled).map_err(|_| {
                // Never the value: it may hold a secret now.
                failure::bad_request(format!(
                    "http_request `headers.{name}` is not a valid header value (visible ASCII, \
                     no line breaks)"
                ))
            })?;
            if secrets_used.len() > before {
                value.set_sensitive(true);
                secret_headers.push(header.clone());
            }
            headers.append(header, value);
        }

        let body = match raw.body {
            None => None,
            Some(text) => Some(BASE64.decode(text.trim()).map_err(|err| {
                failure::bad_request(format!(
                    "http_request `body` is not standard padded base64: {err}"
                ))
            })?),
        };
        Ok(PreparedRequest {
            method,
            url,
            headers,
            secret_headers,
            body,
            max_response_bytes: raw.max_response_bytes,
            secrets_used,
        })
    }
}

/// `value` with every `{{secret NAME}}` replaced by the secret's value (recorded in `used`).
/// Other `{{…}}` text is left as it is.
fn fill_secrets(
    value: &str,
    header: &str,
    secrets: &BTreeMap<String, Secret>,
    used: &mut Vec<Secret>,
) -> Result<String, HttpFailure> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let inner = after[..end].trim();
        let name = inner
            .strip_prefix("secret")
            .filter(|name| name.is_empty() || name.starts_with(char::is_whitespace))
            .map(str::trim);
        let Some(name) = name else {
            out.push_str("{{");
            rest = after;
            continue;
        };
        let placeholder = &rest[start..start + 2 + end + 2];
        if name.is_empty() || !name.chars().all(is_secret_name_char) {
            return Err(failure::bad_request(format!(
                "http_request `headers.{header}` has a malformed placeholder `{placeholder}`; \
                 write {{{{secret NAME}}}}"
            )));
        }
        let secret = secrets
            .get(name)
            .ok_or_else(|| failure::unknown_secret(header, placeholder, name))?;
        out.push_str(secret.expose());
        used.push(secret.clone());
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    //! Placeholders and input errors, which need no server.

    use super::*;

    fn secrets() -> BTreeMap<String, Secret> {
        [("TOKEN".to_owned(), Secret::new("t0k3n"))].into()
    }

    fn fill(value: &str) -> Result<String, HttpFailure> {
        fill_secrets(value, "Authorization", &secrets(), &mut Vec::new())
    }

    #[test]
    fn placeholders_are_filled_and_other_braces_kept() {
        assert_eq!(fill("Bearer {{secret TOKEN}}").unwrap(), "Bearer t0k3n");
        assert_eq!(
            fill("{{ secret TOKEN }}/{{secret TOKEN}}").unwrap(),
            "t0k3n/t0k3n"
        );
        assert_eq!(
            fill("{{other}} {{secretive}} {{").unwrap(),
            "{{other}} {{secretive}} {{"
        );
    }

    #[test]
    fn an_unknown_secret_names_the_placeholder() {
        let failure = fill("Bearer {{secret NOPE}}").unwrap_err();
        assert_eq!(failure.failure_type, "HttpUnknownSecret");
        assert!(failure.non_retryable);
        assert!(
            failure.message.contains("{{secret NOPE}}"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn a_malformed_placeholder_is_a_bad_request() {
        let failure = fill("{{secret}}").unwrap_err();
        assert_eq!(failure.failure_type, "HttpBadRequest");
        assert!(
            failure.message.contains("`{{secret}}`"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn malformed_input_names_the_field() {
        let message = |input: &str| match PreparedRequest::parse(input.as_bytes(), &secrets()) {
            Ok(_) => panic!("{input} parsed"),
            Err(failure) => {
                assert_eq!(failure.failure_type, "HttpBadRequest");
                assert!(failure.non_retryable);
                failure.message
            }
        };
        assert!(message(r#"{"url": "http://a"}"#).contains("missing field `method`"));
        assert!(message(r#"{"method": "GET", "url": 3}"#).contains("at `url`"));
        assert!(message(r#"{"method": "GET", "url": "ftp://a/"}"#).contains("scheme `ftp`"));
        assert!(message(r#"{"method": "GET", "url": "http://u:p@a/"}"#).contains("credentials"));
        assert!(
            message(r#"{"method": "GET", "url": "http://a/", "body": "%%"}"#).contains("`body`")
        );
        assert!(
            message(r#"{"method": "GET", "url": "http://a/", "headers": {"X": 1}}"#)
                .contains("at `headers.X`")
        );
        assert!(
            message(r#"{"method": "GET", "url": "http://a/", "headers": {"Host": "b"}}"#)
                .contains("`headers.Host` cannot be set")
        );
    }

    #[test]
    fn scheduling_fields_are_ignored_and_the_method_upper_cased() {
        let input = br#"{"method": "post", "url": "https://a.test/x", "local": true,
            "retry_policy": {"maximum_attempts": 3}, "start_to_close_timeout_ms": 5}"#;
        let request = PreparedRequest::parse(input, &secrets()).unwrap();
        assert_eq!(request.method, Method::POST);
        assert_eq!(request.url.as_str(), "https://a.test/x");
    }
}
