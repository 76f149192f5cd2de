//! The final response of an attempt (after redirects): read within the cap, scrubbed of the
//! request's secrets, and mapped to the spec's `http_response` or to a failure by status.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::header::{CONTENT_LENGTH, HeaderMap, RETRY_AFTER};
use serde_json::json;

use super::failure::{self, HttpFailure};
use crate::config::Secret;

/// How much of a failing response's body goes into the failure's details: enough for an
/// error message or a JSON problem document, small enough for every failure in history.
pub const DETAILS_BODY_BYTES: usize = 4096;

/// What replaces a secret value that a server echoed back.
const REDACTED: &str = "[redacted]";

/// The spec's `http_response`, the JSON of a completed attempt.
#[derive(serde::Serialize)]
struct HttpResponse<'a> {
    status: u16,
    headers: &'a BTreeMap<String, String>,
    body: String,
}

/// Reads `response` and turns it into the attempt's result: the `http_response` JSON for 2xx
/// and 3xx (not followed), a failure for any other status or a body over `limit`. Returns the
/// body bytes read, for metrics, next to the result.
pub(super) async fn finish(
    mut response: reqwest::Response,
    method: &reqwest::Method,
    limit: u64,
    secrets: &[Secret],
    url: &url::Url,
) -> (Result<Vec<u8>, HttpFailure>, u64) {
    let status = response.status();
    let headers = headers_json(response.headers(), secrets);
    let completes = status.is_success() || status.is_redirection();
    let read_limit = if completes {
        limit
    } else {
        DETAILS_BODY_BYTES as u64
    };
    // HEAD answers, 204 and 304 have no body whatever their Content-Length says.
    let bodiless =
        *method == reqwest::Method::HEAD || status.as_u16() == 204 || status.as_u16() == 304;
    let declared = response
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok())
        .filter(|_| !bodiless);
    let retry_after = retry_after(response.headers(), SystemTime::now());

    // A declared length over the cap fails before reading anything.
    let (body, over) = if completes && declared.is_some_and(|length| length > limit) {
        (Vec::new(), true)
    } else {
        match read_capped(&mut response, read_limit).await {
            Ok(read) => read,
            Err(err) => return (Err(failure::transport(&err, url)), 0),
        }
    };
    let read = body.len() as u64;
    let mut body = scrub(body, secrets);
    if over {
        drop_partial_secret(&mut body, secrets);
    }

    if completes && over {
        body.truncate(DETAILS_BODY_BYTES);
        drop_partial_secret(&mut body, secrets);
        let excerpt = &body;
        let details = json!({
            "status": status.as_u16(),
            "headers": headers,
            "body": BASE64.encode(excerpt),
            "body_truncated": true,
        });
        return (Err(failure::too_large(limit, url, details)), read);
    }
    if completes {
        let json = serde_json::to_vec(&HttpResponse {
            status: status.as_u16(),
            headers: &headers,
            body: BASE64.encode(&body),
        });
        // Strings and a map of strings always encode; the error is mapped all the same.
        let result =
            json.map_err(|err| failure::bad_request(format!("cannot encode http_response: {err}")));
        return (result, read);
    }
    let details = json!({
        "status": status.as_u16(),
        "headers": headers,
        "body": BASE64.encode(&body),
        "body_truncated": over,
    });
    let reason = status.canonical_reason().unwrap_or("");
    (
        Err(failure::status(
            status.as_u16(),
            reason,
            url,
            details,
            retry_after,
        )),
        read,
    )
}

/// Reads at most `limit` bytes of the body; the flag says there was more (the rest is never
/// read: dropping the response closes the connection).
async fn read_capped(
    response: &mut reqwest::Response,
    limit: u64,
) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit.saturating_sub(body.len() as u64) as usize;
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// Response headers as `{name: value}`, lower-case names; repeated headers are joined with
/// `", "` as HTTP allows, values that are not UTF-8 are decoded lossily.
fn headers_json(headers: &HeaderMap, secrets: &[Secret]) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let value = scrub_text(
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
            secrets,
        );
        out.entry(name.as_str().to_owned())
            .and_modify(|joined| {
                joined.push_str(", ");
                joined.push_str(&value);
            })
            .or_insert(value);
    }
    out
}

/// `Retry-After` as a delay from `now`: seconds, or an HTTP date (a date in the past is 0).
pub(super) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `bytes` with every secret value the request carried replaced by [`REDACTED`], so a server
/// that echoes a header cannot put the secret into history.
pub(super) fn scrub(mut bytes: Vec<u8>, secrets: &[Secret]) -> Vec<u8> {
    for secret in secrets {
        let needle = secret.expose().as_bytes();
        if needle.is_empty() || bytes.len() < needle.len() {
            continue;
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut index = 0;
        while index < bytes.len() {
            if bytes[index..].starts_with(needle) {
                out.extend_from_slice(REDACTED.as_bytes());
                index += needle.len();
            } else {
                out.push(bytes[index]);
                index += 1;
            }
        }
        bytes = out;
    }
    bytes
}

fn scrub_text(text: String, secrets: &[Secret]) -> String {
    if secrets.iter().any(|secret| text.contains(secret.expose())) {
        let mut text = text;
        for secret in secrets {
            text = text.replace(secret.expose(), REDACTED);
        }
        text
    } else {
        text
    }
}

/// Drops a tail of `bytes` that is the start of a secret: a body cut at a cap may end inside
/// an echoed secret, which [`scrub`] cannot recognise there.
fn drop_partial_secret(bytes: &mut Vec<u8>, secrets: &[Secret]) {
    for secret in secrets {
        let needle = secret.expose().as_bytes();
        let longest = needle.len().saturating_sub(1).min(bytes.len());
        if let Some(cut) = (1..=longest).rev().find(|&k| bytes.ends_with(&needle[..k])) {
            bytes.truncate(bytes.len() - cut);
        }
    }
}

#[cfg(test)]
mod tests {
    //! Retry-After and scrubbing, which need no server.

    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
        headers
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            retry_after(&headers("2"), now),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:50:07 GMT"), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn scrub_replaces_every_occurrence_of_every_secret() {
        let secrets = [Secret::new("abc"), Secret::new("xyz")];
        assert_eq!(
            scrub(b"abcabc-xyz-ab".to_vec(), &secrets),
            b"[redacted][redacted]-[redacted]-ab"
        );
        assert_eq!(
            scrub_text("Bearer abc".into(), &secrets),
            "Bearer [redacted]"
        );
    }

    #[test]
    fn a_body_cut_inside_a_secret_loses_the_secret_s_start() {
        let secrets = [Secret::new("s3cret")];
        let mut body = b"token: s3c".to_vec();
        drop_partial_secret(&mut body, &secrets);
        assert_eq!(body, b"token: ");
        let mut body = b"token: [redacted]".to_vec();
        drop_partial_secret(&mut body, &secrets);
        assert_eq!(body, b"token: [redacted]");
    }
}
