//! What a durable guest publishes for queries: a result per query name and a description of
//! what it is doing now. Queries are answered from here by the host, never by running guest
//! code, so a query can never change a workflow.

use std::collections::BTreeMap;

use crate::abi::{Handle, Payload};

/// Longest current-details text a guest may publish.
pub const MAX_CURRENT_DETAILS_BYTES: usize = 64 * 1024;

/// Longest query name.
pub const MAX_QUERY_NAME_BYTES: usize = 1024;

/// The results and details one run has published.
#[derive(Clone, Debug)]
pub struct Published {
    results: BTreeMap<String, Option<Payload>>,
    current_details: String,
    /// Bytes of published payload data and metadata.
    bytes: u64,
    max_bytes: u64,
}

impl Published {
    /// Nothing published yet; results may hold up to `max_bytes` together.
    pub fn new(max_bytes: u64) -> Published {
        Published {
            results: BTreeMap::new(),
            current_details: String::new(),
            bytes: 0,
            max_bytes,
        }
    }

    /// Publishes `result` as the answer to query `name` from now on; the previous answer goes.
    pub fn set_result(&mut self, name: &str, result: Option<Payload>) -> Result<(), String> {
        let size = |payload: &Option<Payload>| {
            payload.as_ref().map_or(0, |payload| {
                payload.data.0.len() as u64
                    + payload
                        .metadata
                        .iter()
                        .map(|(key, value)| (key.len() + value.0.len()) as u64)
                        .sum::<u64>()
            })
        };
        let previous = self.results.get(name).map_or(0, size);
        let bytes = self.bytes - previous + size(&result);
        if bytes > self.max_bytes {
            return Err(format!(
                "published query results would hold {bytes} bytes, over the cap of {} bytes \
                 (raise `max_result_mib` if this is intended)",
                self.max_bytes
            ));
        }
        self.bytes = bytes;
        self.results.insert(name.to_owned(), result);
        Ok(())
    }

    /// Replaces what the workflow says it is doing now.
    pub fn set_current_details(&mut self, details: String) {
        self.current_details = details;
    }

    /// The published results by query name.
    pub fn results(&self) -> &BTreeMap<String, Option<Payload>> {
        &self.results
    }

    /// The current details.
    pub fn current_details(&self) -> &str {
        &self.current_details
    }
}

/// Everything a query can be answered from, taken from the run when the query arrives (or when
/// the run ended, for queries that come after).
#[derive(Clone, Debug, Default)]
pub struct QueryView {
    /// Published results by query name.
    pub results: BTreeMap<String, Option<Payload>>,
    /// What the workflow says it is doing now.
    pub current_details: String,
    /// Open signal channel names.
    pub signal_channels: Vec<String>,
    /// Open update channel names.
    pub update_channels: Vec<String>,
    /// Pending commands with what they are for (`timer 3 (5000 ms)`).
    pub pending: Vec<(Handle, String)>,
    /// The handles the guest is parked on, if it is parked.
    pub parked_on: Option<Vec<Handle>>,
    /// What each handle the guest is parked on is, as it reads (`timer 3 (5000 ms)`, `signal
    /// channel `approve` (handle 1)`).
    pub waiting_on: Vec<String>,
}
