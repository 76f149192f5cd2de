//! Name resolution with the allow-list's second check: the client resolves every name through
//! [`CheckedResolver`], which refuses a name whose addresses are loopback, private, link-local or
//! unspecified unless they are listed as such, before any connection is opened. IP literals in
//! URLs are not resolved; the URL check already required them to be listed.

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use super::allow_list::AllowList;

/// What a [`HostLookup`] returns: every address of a name, or why there are none.
pub type LookupFuture = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>>;

/// Turns a host name into addresses. The executor checks whatever this returns, so a lookup
/// never needs to know the allow-list.
///
/// [`SystemLookup`] is what [`super::HttpExecutor::new`] uses; another lookup (a fixed table for
/// tests, a service-discovery client) goes in through [`super::HttpExecutor::with_lookup`].
pub trait HostLookup: Send + Sync {
    /// Every address of `host` (a domain name, never an IP literal).
    fn lookup(&self, host: &str) -> LookupFuture;
}

/// The system's resolver (`getaddrinfo` on a blocking thread, through tokio), so `/etc/hosts`
/// and the container's DNS apply as for any other program.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemLookup;

impl HostLookup for SystemLookup {
    fn lookup(&self, host: &str) -> LookupFuture {
        let host = host.to_owned();
        Box::pin(async move {
            let addresses = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addresses.map(|address| address.ip()).collect())
        })
    }
}

/// reqwest's resolver for the executor's client: a lookup followed by
/// [`AllowList::check_address`] on every address.
pub(super) struct CheckedResolver {
    /// Where addresses come from.
    pub(super) lookup: Arc<dyn HostLookup>,
    /// What they are checked against.
    pub(super) allow_list: Arc<AllowList>,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let lookup = Arc::clone(&self.lookup);
        let allow_list = Arc::clone(&self.allow_list);
        let name = name.as_str().to_owned();
        Box::pin(async move {
            let addresses = lookup.lookup(&name).await?;
            if addresses.is_empty() {
                let message = format!("`{name}` has no addresses");
                return Err(io::Error::new(io::ErrorKind::NotFound, message).into());
            }
            // One refused address refuses the name: a name whose records mix public and private
            // addresses is someone pointing a public name inward.
            for address in &addresses {
                allow_list.check_address(&name, *address)?;
            }
            let addresses: reqwest::dns::Addrs = Box::new(
                addresses
                    .into_iter()
                    .map(|address| SocketAddr::new(address, 0)),
            );
            Ok(addresses)
        })
    }
}
