//! `greet`: returns `"Hello, <name>!"` for a JSON string argument, or greets the world.
//!
//! Input:  params[0], optional: a `json/plain` payload holding a JSON string.
//! Result: the greeting, as a JSON string.
//! Fails:  non-retryable `InvalidInput` "greet expects a JSON string name" for any other argument.

use temporal_wasm_sdk::{Failure, Info, info, workflow};

workflow!(greet);

/// Greets the name in the first argument. It takes `&Info` rather than `Option<String>` because
/// a `null` argument must be refused, not read as "no name", and a bad argument must fail with
/// this workflow's own message.
fn greet(info: &Info) -> Result<String, Failure> {
    let name = match info.params.first() {
        None => "World".to_owned(),
        Some(param) => param.decode_json::<String>().map_err(|_| {
            Failure::new("greet expects a JSON string name")
                .with_type("InvalidInput")
                .non_retryable()
        })?,
    };
    info!("greeting {name}");
    Ok(format!("Hello, {name}!"))
}

#[cfg(test)]
mod tests {
    use temporal_wasm_sdk::{ENCODING_KEY, Payload};

    use super::*;

    fn info_with(params: Vec<Payload>) -> Info {
        Info {
            params,
            ..Info::default()
        }
    }

    fn json_param(json: &str) -> Payload {
        Payload {
            data: json.as_bytes().to_vec(),
            ..Payload::encode_json(&()).unwrap()
        }
    }

    fn invalid_input() -> Failure {
        Failure::new("greet expects a JSON string name")
            .with_type("InvalidInput")
            .non_retryable()
    }

    #[test]
    fn greets_the_name_given() {
        assert_eq!(
            greet(&info_with(vec![json_param(r#""Alice""#)])).unwrap(),
            "Hello, Alice!"
        );
    }

    #[test]
    fn greets_the_world_without_params() {
        assert_eq!(greet(&info_with(vec![])).unwrap(), "Hello, World!");
    }

    #[test]
    fn decodes_escapes_in_the_name() {
        let info = info_with(vec![json_param(r#""Zo\u00eb \"Z\" \\ \ud83c\udf89""#)]);
        assert_eq!(greet(&info).unwrap(), "Hello, Zoë \"Z\" \\ 🎉!");
    }

    #[test]
    fn refuses_json_that_is_not_a_string() {
        for json in [
            "null",
            "42",
            r#"["Alice"]"#,
            r#"{"name": "Alice"}"#,
            "",
            r#""unterminated"#,
        ] {
            assert_eq!(
                greet(&info_with(vec![json_param(json)])),
                Err(invalid_input()),
                "{json}"
            );
        }
    }

    #[test]
    fn refuses_another_encoding() {
        let mut param = json_param(r#""Alice""#);
        param
            .metadata
            .insert(ENCODING_KEY.into(), b"binary/plain".to_vec());
        assert_eq!(greet(&info_with(vec![param])), Err(invalid_input()));
    }
}
