//! Redirects, followed by the executor itself rather than by reqwest, so that every hop is
//! checked against the allow-list with the method it will really use, and secrets stay with
//! the origin they were meant for.

use reqwest::header::{self, HeaderMap, HeaderName};
use reqwest::{Method, StatusCode};

/// Most redirects one attempt follows; a longer chain fails (`HttpTooManyRedirects`).
pub const MAX_REDIRECTS: usize = 5;

/// The request a redirect asks for.
pub(super) struct NextHop {
    /// Where to go.
    pub(super) url: url::Url,
    /// With which method (POST becomes GET on 301, 302 and 303, as browsers do).
    pub(super) method: Method,
    /// Whether the body goes along (only on 307 and 308, which keep the method).
    pub(super) keep_body: bool,
}

/// The next hop of a response, or `None` when it is not a redirect to follow: not 301, 302,
/// 303, 307 or 308, no `Location`, or a `Location` that is not an http(s) URL. Such a 3xx
/// completes the activity as it is.
pub(super) fn next_hop(
    status: StatusCode,
    headers: &HeaderMap,
    current: &url::Url,
    method: &Method,
) -> Option<NextHop> {
    let (method, keep_body) = match status.as_u16() {
        301 | 302 if *method == Method::POST => (Method::GET, false),
        301 | 302 => (method.clone(), true),
        303 if *method == Method::HEAD => (Method::HEAD, false),
        303 => (Method::GET, false),
        307 | 308 => (method.clone(), true),
        _ => return None,
    };
    let location = headers.get(header::LOCATION)?.to_str().ok()?;
    let url = current.join(location).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    Some(NextHop {
        url,
        method,
        keep_body,
    })
}

/// Adjusts the request's headers for `hop`: without a body, the headers describing it go;
/// to another origin (scheme, host or port), credentials and every header that carried a
/// secret go, as browsers drop `Authorization`.
pub(super) fn headers_for_hop(
    headers: &mut HeaderMap,
    secret_headers: &[HeaderName],
    from: &url::Url,
    hop: &NextHop,
) {
    if !hop.keep_body {
        for name in [
            header::CONTENT_TYPE,
            header::CONTENT_ENCODING,
            header::CONTENT_LANGUAGE,
            header::CONTENT_LOCATION,
        ] {
            headers.remove(name);
        }
    }
    if from.origin() != hop.url.origin() {
        for name in [
            header::AUTHORIZATION,
            header::COOKIE,
            header::PROXY_AUTHORIZATION,
        ] {
            headers.remove(name);
        }
        for name in secret_headers {
            headers.remove(name);
        }
    }
}

#[cfg(test)]
mod tests {
    //! Which responses are followed and how, without a server.

    use super::*;
    use reqwest::header::HeaderValue;

    fn hop(status: u16, location: &str, method: Method) -> Option<NextHop> {
        let mut headers = HeaderMap::new();
        headers.insert(header::LOCATION, HeaderValue::from_str(location).unwrap());
        let current = url::Url::parse("https://a.test/x/y").unwrap();
        next_hop(
            StatusCode::from_u16(status).unwrap(),
            &headers,
            &current,
            &method,
        )
    }

    #[test]
    fn methods_change_as_browsers_change_them() {
        let next = hop(302, "/z", Method::POST).unwrap();
        assert_eq!((next.method, next.keep_body), (Method::GET, false));
        assert_eq!(next.url.as_str(), "https://a.test/z");
        let next = hop(303, "z", Method::PUT).unwrap();
        assert_eq!(
            (next.method, next.url.as_str()),
            (Method::GET, "https://a.test/x/z")
        );
        let next = hop(307, "https://b.test/", Method::POST).unwrap();
        assert_eq!((next.method, next.keep_body), (Method::POST, true));
    }

    #[test]
    fn other_3xx_and_odd_locations_are_not_followed() {
        assert!(hop(300, "/z", Method::GET).is_none());
        assert!(hop(304, "/z", Method::GET).is_none());
        assert!(hop(302, "ftp://b.test/", Method::GET).is_none());
    }

    #[test]
    fn secrets_and_credentials_stay_with_their_origin() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        headers.insert("x-api-key", HeaderValue::from_static("k"));
        headers.insert("x-plain", HeaderValue::from_static("p"));
        let secret_headers = [HeaderName::from_static("x-api-key")];
        let from = url::Url::parse("https://a.test/").unwrap();

        let mut same = headers.clone();
        headers_for_hop(
            &mut same,
            &secret_headers,
            &from,
            &hop(307, "/b", Method::GET).unwrap(),
        );
        assert_eq!(same.len(), 3);

        headers_for_hop(
            &mut headers,
            &secret_headers,
            &from,
            &hop(307, "https://b.test/", Method::GET).unwrap(),
        );
        assert_eq!(headers.keys().collect::<Vec<_>>(), ["x-plain"]);
    }
}
