//! The operator's allow-list, checked twice: on the URL (and every redirect target) before a
//! request is sent, and on every address a name resolves to before a connection is opened.

use std::net::IpAddr;

use crate::config::{AllowedHost, HostPattern, HttpScheme};

/// Why a URL was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum UrlRefusal {
    /// No entry has the URL's scheme, host and port.
    NotListed,
    /// Entries have the URL's scheme, host and port, but none allows the method.
    MethodNotListed {
        /// The methods those entries allow.
        allowed: Vec<String>,
    },
}

/// A resolved address a connection must not be opened to.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{name}` resolved to {address}, a {kind} address, which is not allowed: loopback, private, \
     link-local and unspecified addresses are only called when http_activities.allowed_hosts lists \
     the address itself (e.g. \"http://{address_in_url}:8080\"{localhost_hint}) with a scheme and \
     port the name is also allowed with"
)]
pub(super) struct AddressRefused {
    /// The name that was resolved.
    pub(super) name: String,
    /// The address it resolved to.
    pub(super) address: IpAddr,
    /// `loopback`, `private`, `link-local` or `unspecified`.
    pub(super) kind: &'static str,
    address_in_url: String,
    localhost_hint: &'static str,
}

/// The entries of `http_activities.allowed_hosts`, with the matching rules in one place.
pub(super) struct AllowList {
    entries: Vec<AllowedHost>,
}

impl AllowList {
    /// An allow-list of `entries`; an empty one refuses everything.
    pub(super) fn new(entries: Vec<AllowedHost>) -> AllowList {
        AllowList { entries }
    }

    /// The entry allowing `method` on `url` (the entry as written, for metrics), or why none does.
    pub(super) fn check(&self, method: &str, url: &url::Url) -> Result<String, UrlRefusal> {
        let (Some(scheme), Some(host), Some(port)) =
            (scheme_of(url), url.host(), url.port_or_known_default())
        else {
            return Err(UrlRefusal::NotListed);
        };
        let mut allowed = Vec::new();
        for entry in &self.entries {
            if entry.scheme != scheme || entry.port != port || !host_matches(&entry.host, &host) {
                continue;
            }
            match &entry.methods {
                None => return Ok(without_methods(entry)),
                Some(methods) if methods.iter().any(|m| m == method) => {
                    return Ok(without_methods(entry));
                }
                Some(methods) => allowed.extend(methods.iter().cloned()),
            }
        }
        if allowed.is_empty() {
            Err(UrlRefusal::NotListed)
        } else {
            allowed.sort();
            allowed.dedup();
            Err(UrlRefusal::MethodNotListed { allowed })
        }
    }

    /// Whether a connection may be opened to `address`, which `name` resolved to.
    ///
    /// Public addresses pass: the name itself was checked on the URL. A loopback, private,
    /// link-local or unspecified address passes only if an entry names that address (or
    /// `localhost`, for a loopback address) with the scheme and port of an entry that allows
    /// `name`. The resolver sees the name but not the port of the request, so this is as close
    /// as it can get to "the address is listed for this request".
    pub(super) fn check_address(&self, name: &str, address: IpAddr) -> Result<(), AddressRefused> {
        let Some(kind) = special_address_kind(address) else {
            return Ok(());
        };
        let name = normalise_name(name);
        let loopback = kind == "loopback";
        let names_address = |entry: &&AllowedHost| match &entry.host {
            HostPattern::Ip(ip) => canonical(*ip) == canonical(address),
            HostPattern::Domain(domain) => loopback && domain == "localhost",
            HostPattern::Subdomains(_) => false,
        };
        let listed = self
            .entries
            .iter()
            .filter(names_address)
            .any(|address_entry| {
                self.entries.iter().any(|name_entry| {
                    name_entry.scheme == address_entry.scheme
                        && name_entry.port == address_entry.port
                        && name_matches(&name_entry.host, &name)
                })
            });
        if listed {
            return Ok(());
        }
        Err(AddressRefused {
            name,
            address,
            kind,
            address_in_url: match address {
                IpAddr::V6(ip) => format!("[{ip}]"),
                IpAddr::V4(ip) => ip.to_string(),
            },
            localhost_hint: if loopback {
                " or \"http://localhost:8080\""
            } else {
                ""
            },
        })
    }
}

/// `loopback`, `private`, `link-local` or `unspecified` for the addresses a name may only
/// resolve to when listed as such; `None` for every other (public) address.
pub(super) fn special_address_kind(address: IpAddr) -> Option<&'static str> {
    match canonical(address) {
        IpAddr::V4(ip) => {
            if ip.is_loopback() {
                Some("loopback")
            } else if ip.is_private() {
                Some("private")
            } else if ip.is_link_local() {
                Some("link-local")
            } else if ip.octets()[0] == 0 {
                // 0.0.0.0/8, "this network": 0.0.0.0 reaches the local host on Linux.
                Some("unspecified")
            } else {
                None
            }
        }
        IpAddr::V6(ip) => {
            let first = ip.segments()[0];
            if ip.is_loopback() {
                Some("loopback")
            } else if ip.is_unspecified() {
                Some("unspecified")
            } else if first & 0xfe00 == 0xfc00 {
                Some("private")
            } else if first & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else {
                None
            }
        }
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as the IPv4 address it reaches.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(ip) => ip.to_ipv4_mapped().map_or(address, IpAddr::V4),
        IpAddr::V4(_) => address,
    }
}

fn scheme_of(url: &url::Url) -> Option<HttpScheme> {
    match url.scheme() {
        "http" => Some(HttpScheme::Http),
        "https" => Some(HttpScheme::Https),
        _ => None,
    }
}

fn host_matches(pattern: &HostPattern, host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(domain) => name_matches(pattern, &normalise_name(domain)),
        url::Host::Ipv4(ip) => *pattern == HostPattern::Ip(IpAddr::V4(*ip)),
        url::Host::Ipv6(ip) => *pattern == HostPattern::Ip(IpAddr::V6(*ip)),
    }
}

/// Whether the domain `name` (already normalised) matches `pattern`; `*.example.com` matches
/// subdomains at any depth, never `example.com` itself.
fn name_matches(pattern: &HostPattern, name: &str) -> bool {
    match pattern {
        HostPattern::Domain(domain) => domain == name,
        HostPattern::Subdomains(domain) => name
            .strip_suffix(domain.as_str())
            .and_then(|prefix| prefix.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty()),
        HostPattern::Ip(_) => false,
    }
}

/// Lower case without a trailing dot, as entries are stored.
fn normalise_name(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn without_methods(entry: &AllowedHost) -> String {
    AllowedHost {
        methods: None,
        ..entry.clone()
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    //! The matching rules, with names that need no resolver.

    use super::*;

    fn entry(scheme: HttpScheme, host: HostPattern, port: u16) -> AllowedHost {
        AllowedHost {
            scheme,
            host,
            port,
            methods: None,
        }
    }

    fn list() -> AllowList {
        AllowList::new(vec![
            entry(
                HttpScheme::Https,
                HostPattern::Subdomains("example.com".into()),
                443,
            ),
            entry(
                HttpScheme::Http,
                HostPattern::Domain("localhost".into()),
                8080,
            ),
            AllowedHost {
                methods: Some(vec!["GET".into()]),
                ..entry(
                    HttpScheme::Https,
                    HostPattern::Domain("api.test".into()),
                    8443,
                )
            },
            entry(
                HttpScheme::Https,
                HostPattern::Ip("10.0.0.5".parse().unwrap()),
                443,
            ),
        ])
    }

    fn check(method: &str, url: &str) -> Result<String, UrlRefusal> {
        list().check(method, &url::Url::parse(url).unwrap())
    }

    #[test]
    fn wildcard_matches_subdomains_at_any_depth_but_not_the_domain() {
        assert!(check("GET", "https://api.example.com/x").is_ok());
        assert!(check("GET", "https://a.b.example.com/").is_ok());
        assert!(check("GET", "https://API.Example.com./").is_ok());
        assert_eq!(
            check("GET", "https://example.com/"),
            Err(UrlRefusal::NotListed)
        );
        assert_eq!(
            check("GET", "https://badexample.com/"),
            Err(UrlRefusal::NotListed)
        );
        assert_eq!(
            check("GET", "https://example.com.evil.net/"),
            Err(UrlRefusal::NotListed)
        );
    }

    #[test]
    fn scheme_and_port_must_match_with_default_ports() {
        assert!(check("GET", "https://api.example.com:443/").is_ok());
        assert_eq!(
            check("GET", "http://api.example.com/"),
            Err(UrlRefusal::NotListed)
        );
        assert_eq!(
            check("GET", "https://api.example.com:8443/"),
            Err(UrlRefusal::NotListed)
        );
        assert!(check("GET", "http://localhost:8080/").is_ok());
        assert_eq!(
            check("GET", "http://localhost/"),
            Err(UrlRefusal::NotListed)
        );
        assert_eq!(
            check("GET", "http://127.0.0.1:8080/"),
            Err(UrlRefusal::NotListed)
        );
    }

    #[test]
    fn methods_restrict_an_entry() {
        assert!(check("GET", "https://api.test:8443/").is_ok());
        assert_eq!(
            check("POST", "https://api.test:8443/"),
            Err(UrlRefusal::MethodNotListed {
                allowed: vec!["GET".into()]
            })
        );
    }

    #[test]
    fn public_addresses_pass_and_special_ones_need_listing() {
        let list = list();
        assert_eq!(
            list.check_address("api.example.com", "93.184.216.34".parse().unwrap()),
            Ok(())
        );
        let refused = list
            .check_address("api.example.com", "127.0.0.1".parse().unwrap())
            .unwrap_err();
        assert_eq!(refused.kind, "loopback");
        assert!(
            refused
                .to_string()
                .contains("`api.example.com` resolved to 127.0.0.1")
        );
        // 10.0.0.5 is listed for https:443, as *.example.com is.
        assert_eq!(
            list.check_address("db.example.com", "10.0.0.5".parse().unwrap()),
            Ok(())
        );
        assert_eq!(
            list.check_address("db.example.com", "::ffff:10.0.0.5".parse().unwrap()),
            Ok(())
        );
        // ... but not with the port api.test is allowed on.
        assert!(
            list.check_address("api.test", "10.0.0.5".parse().unwrap())
                .is_err()
        );
        // localhost stands for loopback addresses, with its own scheme and port.
        assert_eq!(
            list.check_address("localhost", "127.0.0.1".parse().unwrap()),
            Ok(())
        );
        assert_eq!(
            list.check_address("localhost", "::1".parse().unwrap()),
            Ok(())
        );
        assert!(
            list.check_address("localhost", "192.168.1.1".parse().unwrap())
                .is_err()
        );
    }

    #[test]
    fn special_addresses_are_classified() {
        let kind = |ip: &str| special_address_kind(ip.parse().unwrap());
        assert_eq!(kind("127.0.0.2"), Some("loopback"));
        assert_eq!(kind("::1"), Some("loopback"));
        assert_eq!(kind("10.1.2.3"), Some("private"));
        assert_eq!(kind("172.16.0.1"), Some("private"));
        assert_eq!(kind("192.168.0.1"), Some("private"));
        assert_eq!(kind("fd00::1"), Some("private"));
        assert_eq!(kind("169.254.169.254"), Some("link-local"));
        assert_eq!(kind("fe80::1"), Some("link-local"));
        assert_eq!(kind("0.0.0.0"), Some("unspecified"));
        assert_eq!(kind("::"), Some("unspecified"));
        assert_eq!(kind("::ffff:127.0.0.1"), Some("loopback"));
        assert_eq!(kind("8.8.8.8"), None);
        assert_eq!(kind("172.32.0.1"), None);
        assert_eq!(kind("2001:db8::1"), None);
    }
}
