//! `http_activities.allowed_hosts`: the entries' shapes as written (a URL string or a
//! `{ url, methods }` table, or one comma-separated string from the environment), their
//! parsing and normalisation, and the typed entries the executor matches requests against.

use std::fmt;
use std::net::IpAddr;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

/// One allow-list entry: a scheme, a host (or every subdomain of a domain) and a port, with the
/// methods allowed there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedHost {
    /// `http` or `https`; a request must use the same.
    pub scheme: HttpScheme,
    /// The host a request's URL must name.
    pub host: HostPattern,
    /// The port a request must use (the scheme's default when the entry names none).
    pub port: u16,
    /// Upper-case methods allowed; `None` allows every method.
    pub methods: Option<Vec<String>>,
}

impl fmt::Display for AllowedHost {
    /// The entry as an operator would write it, with its port always spelled out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)?;
        if let Some(methods) = &self.methods {
            write!(f, " ({})", methods.join(", "))?;
        }
        Ok(())
    }
}

impl std::str::FromStr for AllowedHost {
    type Err = String;

    /// Parses an entry as `allowed_hosts` takes it, `scheme://host[:port]` with an optional
    /// `*.` wildcard, allowing every method; the error says what is wrong with it.
    fn from_str(entry: &str) -> Result<AllowedHost, String> {
        parse_entry(entry)
    }
}

/// The scheme of an allow-list entry: only plain and TLS HTTP exist for HTTP activities.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpScheme {
    /// `http://`.
    Http,
    /// `https://`.
    Https,
}

impl fmt::Display for HttpScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HttpScheme::Http => "http",
            HttpScheme::Https => "https",
        })
    }
}

/// The host part of an allow-list entry, normalised as a URL parser normalises request hosts
/// (lower case, punycode, no trailing dot), so that matching is plain comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostPattern {
    /// Exactly this domain name, e.g. `api.example.com` or `localhost`.
    Domain(String),
    /// Exactly this address, e.g. `127.0.0.1`.
    Ip(IpAddr),
    /// Every subdomain of this domain at any depth (`*.example.com`), not the domain itself.
    Subdomains(String),
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostPattern::Domain(domain) => f.write_str(domain),
            HostPattern::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            HostPattern::Ip(ip) => write!(f, "{ip}"),
            HostPattern::Subdomains(domain) => write!(f, "*.{domain}"),
        }
    }
}

/// `allowed_hosts`: a list in the file, or one comma-separated string (as an environment
/// variable, `TWW__HTTP_ACTIVITIES__ALLOWED_HOSTS`, can only give it).
pub(super) struct RawAllowedHosts(Vec<RawAllowedHost>);

/// One entry: `"https://api.example.com"` or `{ url = "…", methods = ["GET"] }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllowedHost {
    url: String,
    methods: Option<Vec<String>>,
}

impl<'de> Deserialize<'de> for RawAllowedHosts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = RawAllowedHosts;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a list of URLs or { url, methods } tables, or one comma-separated string",
                )
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<RawAllowedHosts, E> {
                Ok(RawAllowedHosts(
                    text.split(',')
                        .map(str::trim)
                        .filter(|url| !url.is_empty())
                        .map(|url| RawAllowedHost {
                            url: url.to_owned(),
                            methods: None,
                        })
                        .collect(),
                ))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawAllowedHosts, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = seq.next_element::<EntryOrUrl>()? {
                    entries.push(entry.0);
                }
                Ok(RawAllowedHosts(entries))
            }
        }
        deserializer.deserialize_any(ListVisitor)
    }
}

/// An entry that is either a plain URL string or a table, with the table's own errors (an
/// unknown key names itself) rather than serde's "did not match any variant".
struct EntryOrUrl(RawAllowedHost);

impl<'de> Deserialize<'de> for EntryOrUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = EntryOrUrl;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a URL such as \"https://api.example.com\" or { url, methods }")
            }
            fn visit_str<E: de::Error>(self, url: &str) -> Result<EntryOrUrl, E> {
                Ok(EntryOrUrl(RawAllowedHost {
                    url: url.to_owned(),
                    methods: None,
                }))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EntryOrUrl, A::Error> {
                RawAllowedHost::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(EntryOrUrl)
            }
        }
        deserializer.deserialize_any(EntryVisitor)
    }
}

/// Validates every entry, naming the one at fault as `http_activities.allowed_hosts[i]`.
pub(super) fn validate(raw: Option<RawAllowedHosts>) -> Result<Vec<AllowedHost>, (String, String)> {
    let problem = |key: &str, message: String| (format!("http_activities.{key}"), message);
    let entries = raw.map(|hosts| hosts.0).unwrap_or_default();
    let mut allowed_hosts = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let key = format!("allowed_hosts[{index}]");
        let parsed = parse_entry(&entry.url).map_err(|message| problem(&key, message))?;
        let methods = match entry.methods {
            None => None,
            Some(methods) => Some(
                parse_methods(methods)
                    .map_err(|message| problem(&format!("{key}.methods"), message))?,
            ),
        };
        allowed_hosts.push(AllowedHost { methods, ..parsed });
    }
    Ok(allowed_hosts)
}

/// Parses `scheme://host[:port]` (host possibly `*.domain`) into an entry allowing every method.
fn parse_entry(text: &str) -> Result<AllowedHost, String> {
    let shape = || {
        format!("must be scheme://host[:port] such as \"https://api.example.com\", got `{text}`")
    };
    let (scheme, rest) = text.trim().split_once("://").ok_or_else(shape)?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => HttpScheme::Http,
        "https" => HttpScheme::Https,
        other => {
            return Err(format!(
                "has scheme `{other}`; only http and https can be allowed"
            ));
        }
    };
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() || authority.contains(['/', '?', '#', '@']) {
        return Err(format!("{}, without a path, query or credentials", shape()));
    }
    let (wildcard, authority) = match authority.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, authority),
    };
    if authority.contains('*') {
        return Err(format!(
            "has `*` in `{text}`: a wildcard may only be the whole leftmost label, as in https://*.example.com"
        ));
    }
    // A placeholder label lets the URL parser normalise the rest of a wildcard entry.
    let probe = format!(
        "{scheme}://{}{authority}",
        if wildcard { "wildcard." } else { "" }
    );
    let url =
        url::Url::parse(&probe).map_err(|err| format!("is not a valid URL (`{text}`): {err}"))?;
    let port = url.port_or_known_default().ok_or_else(shape)?;
    let host = match url.host() {
        Some(url::Host::Domain(domain)) => {
            let domain = domain.trim_end_matches('.');
            match domain.strip_prefix("wildcard.").filter(|_| wildcard) {
                Some(suffix) if !suffix.is_empty() => HostPattern::Subdomains(suffix.to_owned()),
                Some(_) => return Err(shape()),
                None => HostPattern::Domain(domain.to_owned()),
            }
        }
        Some(url::Host::Ipv4(ip)) if !wildcard => HostPattern::Ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) if !wildcard => HostPattern::Ip(IpAddr::V6(ip)),
        Some(_) => {
            return Err(format!(
                "has a wildcard over an IP address (`{text}`); wildcards are for domain names"
            ));
        }
        None => return Err(shape()),
    };
    Ok(AllowedHost {
        scheme,
        host,
        port,
        methods: None,
    })
}

/// Upper-cases, checks and sorts an entry's methods.
fn parse_methods(methods: Vec<String>) -> Result<Vec<String>, String> {
    if methods.is_empty() {
        return Err("is empty; leave it out to allow every method".to_owned());
    }
    let mut upper = Vec::with_capacity(methods.len());
    for method in methods {
        let valid = !method.is_empty()
            && method
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(format!(
                "has `{method}`, which is not an HTTP method such as GET or POST"
            ));
        }
        upper.push(method.to_ascii_uppercase());
    }
    upper.sort();
    upper.dedup();
    Ok(upper)
}
