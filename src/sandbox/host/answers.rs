//! `update_channel`, `respond_update`, `set_query_result` and `set_current_details`: how a
//! durable guest answers what others ask of it. Updates are answered through calls recorded for
//! the activation's completion; queries are answered by the host from what the guest published,
//! without running guest code.

use wasmtime::{Caller, Linker};

use crate::abi::{Payload, UpdateAnswer};
use crate::sandbox::GuestBug;
use crate::sandbox::guest_memory;
use crate::sandbox::host::{IMPORT_MODULE, InstanceState, durable_call, read_input, read_name};
use crate::sandbox::published::{MAX_CURRENT_DETAILS_BYTES, MAX_QUERY_NAME_BYTES};

/// Query names the host answers itself.
pub const BUILT_IN_QUERIES: [&str; 2] = ["__stack_trace", "__temporal_workflow_metadata"];

pub(super) fn register(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        IMPORT_MODULE,
        "update_channel",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let name = read_channel_name(memory, "update_channel", offset, len)?;
                durable.update_channel(&name)
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "respond_update",
        |mut caller: Caller<'_, InstanceState>,
         id_offset: u32,
         id_len: u32,
         offset: u32,
         len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let update_id = read_name(memory, "respond_update", id_offset, id_len)?;
                let answer: UpdateAnswer = read_input(
                    memory,
                    "respond_update",
                    "respond_update input",
                    offset,
                    len,
                )?;
                durable.respond_update(update_id, answer, len)
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "set_query_result",
        |mut caller: Caller<'_, InstanceState>,
         name_offset: u32,
         name_len: u32,
         offset: u32,
         len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let name = read_query_name(memory, name_offset, name_len)?;
                let result = if len == 0 {
                    None
                } else {
                    let mut payloads: Vec<Payload> = read_input(
                        memory,
                        "set_query_result",
                        "set_query_result input",
                        offset,
                        len,
                    )?;
                    if payloads.len() > 1 {
                        return Err(bad_request(
                            "set_query_result",
                            format!(
                                "was given {} payloads, but a query's answer is at most one",
                                payloads.len()
                            ),
                        ));
                    }
                    payloads.pop()
                };
                durable
                    .published_mut()
                    .set_result(&name, result)
                    .map_err(|problem| bad_request("set_query_result", problem))
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "set_current_details",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                if len as usize > MAX_CURRENT_DETAILS_BYTES {
                    return Err(bad_request(
                        "set_current_details",
                        format!("the text is {len} bytes, over {MAX_CURRENT_DETAILS_BYTES}"),
                    ));
                }
                let bytes = guest_memory::read(memory, "set_current_details", offset, len)?;
                let text = std::str::from_utf8(bytes).map_err(|err| {
                    bad_request(
                        "set_current_details",
                        format!("the text is not UTF-8: {err}"),
                    )
                })?;
                durable.published_mut().set_current_details(text.to_owned());
                Ok(())
            })
        },
    )?;
    Ok(())
}

/// A channel name: UTF-8, not empty, at most [`MAX_QUERY_NAME_BYTES`].
pub(super) fn read_channel_name(
    memory: &[u8],
    call: &'static str,
    offset: u32,
    len: u32,
) -> Result<String, GuestBug> {
    let name = read_name(memory, call, offset, len)?;
    if name.is_empty() {
        return Err(bad_request(call, "the name is empty".to_owned()));
    }
    if name.len() > MAX_QUERY_NAME_BYTES {
        return Err(bad_request(
            call,
            format!(
                "the name is {} bytes, over {MAX_QUERY_NAME_BYTES}",
                name.len()
            ),
        ));
    }
    Ok(name)
}

fn read_query_name(memory: &[u8], offset: u32, len: u32) -> Result<String, GuestBug> {
    let name = read_channel_name(memory, "set_query_result", offset, len)?;
    if BUILT_IN_QUERIES.contains(&name.as_str()) {
        return Err(bad_request(
            "set_query_result",
            format!("`{name}` is answered by the worker itself and cannot be published"),
        ));
    }
    Ok(name)
}

fn bad_request(call: &'static str, problem: String) -> GuestBug {
    GuestBug::BadRequest { call, problem }
}
