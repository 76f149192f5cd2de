//! A panic traps the run (`panic = "abort"`); the worker shows the last error log next to the
//! trap, so the hook logs the panic message first.

/// Makes every later panic log `panicked at file:line: message` at error level.
#[cfg(target_arch = "wasm32")]
pub(crate) fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|location| (location.file(), location.line()));
        // `panic!` with format arguments carries a `String`, with a literal a `&str`.
        let payload = info.payload();
        let message = (payload.downcast_ref::<&str>().copied())
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
        crate::log(crate::Level::Error, &describe(location, message));
    }));
}

/// The log line for a panic at `location` with `message` (`None` if it is not a string).
// Only the wasm32 hook calls it; the host tests check the wording.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn describe(location: Option<(&str, u32)>, message: Option<&str>) -> String {
    let message = message.unwrap_or("non-string panic payload");
    match location {
        Some((file, line)) => format!("panicked at {file}:{line}: {message}"),
        None => format!("panicked: {message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_file_line_and_message() {
        assert_eq!(
            describe(Some(("src/lib.rs", 12)), Some("index out of bounds")),
            "panicked at src/lib.rs:12: index out of bounds"
        );
    }

    #[test]
    fn copes_without_location_or_string_message() {
        assert_eq!(describe(None, None), "panicked: non-string panic payload");
    }
}
