//! Every import of the ABI, as the [`Host`] the SDK calls outside wasm32: a table from each
//! import to the module of its call family, in the order the trait lists them.

use super::state::Kind;
use super::{TestHost, channels, commands, ending, publish, reads, waiting};
use crate::host::Host;

impl Host for TestHost {
    // ABI v0
    fn info(&mut self) -> Vec<u8> {
        reads::info(self)
    }

    fn write_log(&mut self, level: u32, message: &str) {
        publish::write_log(self, level, message);
    }

    fn complete(&mut self, json: &[u8]) {
        ending::complete(self, json);
    }

    fn complete_with_failure(&mut self, json: &[u8]) {
        ending::complete_with_failure(self, json);
    }

    // ABI v1: commands
    fn start_timer(&mut self, json: &[u8]) -> u32 {
        commands::start_timer(self, json)
    }

    fn start_activity(&mut self, json: &[u8]) -> u32 {
        commands::start_activity(self, json)
    }

    fn start_http_activity(&mut self, json: &[u8]) -> u32 {
        self.command("start_http_activity", Kind::Http, json)
    }

    fn start_child_workflow(&mut self, json: &[u8]) -> u32 {
        self.command("start_child_workflow", Kind::Child, json)
    }

    fn signal_external_workflow(&mut self, json: &[u8]) -> u32 {
        self.command("signal_external_workflow", Kind::External, json)
    }

    fn cancel_external_workflow(&mut self, json: &[u8]) -> u32 {
        self.command("cancel_external_workflow", Kind::External, json)
    }

    fn cancel(&mut self, handle: u32) {
        commands::cancel(self, handle);
    }

    // ABI v1: inbound channels
    fn signal_channel(&mut self, name: &str) -> u32 {
        channels::signal_channel(self, name)
    }

    fn update_channel(&mut self, name: &str) -> u32 {
        channels::update_channel(self, name)
    }

    fn respond_update(&mut self, update_id: &str, json: &[u8]) {
        channels::respond_update(self, update_id, json);
    }

    fn cancellation_channel(&mut self) -> u32 {
        channels::cancellation_channel(self)
    }

    fn set_query_result(&mut self, name: &str, json: &[u8]) {
        publish::set_query_result(self, name, json);
    }

    // ABI v1: waiting and results
    fn wait(&mut self, handles: &[u32]) -> u32 {
        waiting::wait(self, handles)
    }

    fn is_ready(&mut self, handle: u32) -> bool {
        waiting::is_ready(self, handle)
    }

    fn take_result(&mut self, handle: u32) -> Vec<u8> {
        waiting::take_result(self, handle)
    }

    // ABI v1: deterministic sources
    fn now(&mut self) -> i64 {
        self.now_millis
    }

    fn random(&mut self, bytes: &mut [u8]) {
        reads::random(self, bytes);
    }

    fn patched(&mut self, id: &str, deprecated: bool) -> bool {
        reads::patched(self, id, deprecated)
    }

    fn is_replaying(&mut self) -> bool {
        self.replaying
    }

    // ABI v1: telling the world
    fn log_level(&mut self) -> u32 {
        self.log_level
    }

    fn upsert_search_attributes(&mut self, json: &[u8]) {
        publish::upsert_search_attributes(self, json);
    }

    fn upsert_memo(&mut self, json: &[u8]) {
        publish::upsert_memo(self, json);
    }

    fn set_current_details(&mut self, text: &str) {
        publish::set_current_details(self, text);
    }

    fn emit_metric(&mut self, json: &[u8]) {
        publish::emit_metric(self, json);
    }

    // ABI v1: ending the run
    fn continue_as_new(&mut self, json: &[u8]) {
        ending::continue_as_new(self, json);
    }

    fn complete_as_cancelled(&mut self, json: &[u8]) {
        ending::complete_as_cancelled(self, json);
    }
}
