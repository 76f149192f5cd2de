//! Signals: `signal_channel`. A signal is a message to the workflow from outside (a client, another
//! workflow); the worker queues them per name, oldest first, from the start of the run.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use crate::host::{self, Host};
use crate::payload::{Payload, PayloadError, decode_first};
use crate::wait::{self, Waitable, parse_host_json};

/// The signals of one name, each decoded as `T` from its first argument (JSON `null` when it
/// has none).
///
/// ```no_run
/// # use serde::Deserialize;
/// # use temporal_wasm_sdk::{Failure, SignalChannel};
/// #[derive(Deserialize)]
/// struct Approval { approved_by: String }
///
/// # fn f() -> Result<(), Failure> {
/// let approve = SignalChannel::<Approval>::new("approve");
/// let approval = approve.receive()?; // blocks until one arrives
/// # Ok(()) }
/// ```
///
/// Signals sent before the channel is opened wait for it. Opening a name twice gives two views
/// of the same queue.
#[derive(Debug)]
pub struct SignalChannel<T> {
    handle: u32,
    item: PhantomData<fn() -> T>,
}

/// One signal, as the channel yields it: `{"completed": [args…]}`.
#[derive(serde::Deserialize)]
struct SignalItem {
    completed: Vec<Payload>,
}

impl<T: DeserializeOwned> SignalChannel<T> {
    /// Opens the channel for signals named `name`.
    pub fn new(name: &str) -> SignalChannel<T> {
        SignalChannel {
            handle: host::call(|host| host.signal_channel(name)),
            item: PhantomData,
        }
    }

    /// Blocks until a signal is queued, then takes the oldest. `Err` if its argument does not
    /// decode as `T` (the signal is consumed all the same).
    pub fn receive(&self) -> Result<T, PayloadError> {
        decode_first(&self.receive_payloads())
    }

    /// Takes the oldest queued signal, if there is one; never blocks.
    pub fn try_receive(&self) -> Option<Result<T, PayloadError>> {
        self.try_receive_payloads()
            .map(|payloads| decode_first(&payloads))
    }

    /// Blocks until a signal is queued, then takes the oldest: its arguments as they are.
    pub fn receive_payloads(&self) -> Vec<Payload> {
        let json = wait::wait_and_take(self.handle);
        parse_host_json::<SignalItem>("signal", &json).completed
    }

    /// Takes the oldest queued signal's arguments, if there is one; never blocks.
    pub fn try_receive_payloads(&self) -> Option<Vec<Payload>> {
        self.is_ready().then(|| self.receive_payloads())
    }
}

impl<T> Waitable for SignalChannel<T> {
    fn handle(&self) -> u32 {
        self.handle
    }
}
