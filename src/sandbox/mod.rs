//! The sandbox: everything that touches wasmtime.
//!
//! A [`Bundle`] is a workflow type's module, compiled, validated and linked once at start-up on
//! the process's one [`engine::WasmEngine`]; an [`instance`] is one live guest made from it, with
//! its own store, memory and [`InstanceLimits`]. The [`host`] functions are the ABI's imports; they
//! reach guest memory only through [`guest_memory`]'s bounds checks, and everything a guest can do
//! wrong ends as a [`GuestBug`].
//!
//! The sandbox speaks the ABI's JSON types ([`crate::abi`]) and never Temporal's protos: what a
//! guest's outcome means to Temporal is decided in [`crate::temporal`].

pub mod bundle;
pub mod engine;
pub mod guest_bug;
pub mod guest_memory;
pub mod handles;
pub mod host;
pub mod inbound;
pub mod instance;
pub mod limits;
pub mod module_cache;
pub mod published;
pub mod registry;
pub mod rng;
mod validate;

pub use bundle::{Bundle, BundleError, BundleErrors, BundleProblem, BundleSpec};
pub use guest_bug::{GuestBug, GuestBugPolicy};
pub use host::GuestOutcome;
pub use instance::{Instance, StartInputs, Step};
pub use limits::InstanceLimits;
pub use registry::{BundleRegistry, BundleVersions, RegistryError, VersioningBehavior};
