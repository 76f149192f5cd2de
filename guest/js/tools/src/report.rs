//! What a failed build tells its author: the file and line at fault first, as compilers do.

use std::path::Path;

/// Turns the engine's report (`tw-js:error <module>: <message>` then the JavaScript stack)
/// into `error: <root>/<file>:<line>:<column>: <message>`, followed by the stack.
pub fn build_failure(stderr: &str, trap: &str, root: &Path) -> String {
    let Some(start) = stderr.find("tw-js:error ") else {
        return format!("error: the engine failed while building: {trap}\n{stderr}");
    };
    // What the modules printed before failing (a test's FAILED lines, say) comes first.
    let printed = &stderr[..start];
    let report = &stderr[start + "tw-js:error ".len()..];
    let (module, rest) = report.split_once(": ").unwrap_or(("?", report));
    let mut lines = rest.lines();
    let message = lines.next().unwrap_or_default().trim();
    let stack: Vec<&str> = lines
        .map(str::trim_end)
        .filter(|line| !line.trim().is_empty())
        .collect();
    // The first frame in a file of the build is where the error is (a SyntaxError's only frame).
    let location = stack
        .iter()
        .filter_map(|line| line.trim().strip_prefix("at "))
        .map(|frame| {
            frame
                .rsplit_once(" (")
                .map_or(frame, |(_, inner)| inner.trim_end_matches(')'))
        })
        .find(|place| {
            place.contains(':') && !place.starts_with("temporal:") && !place.starts_with("native")
        });
    let place = match location {
        Some(place) => root.join(place).display().to_string(),
        None => root.join(module).display().to_string(),
    };
    let mut out = format!("{printed}error: {place}: {message}");
    for line in stack {
        out.push_str("\n  ");
        out.push_str(line.trim());
    }
    out
}
