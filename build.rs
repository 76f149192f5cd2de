//! Hands the Temporal protos' descriptor set to the crate (`replay` reads the JSON histories the
//! CLI and the UI write through it), from the path the protos crate publishes to dependents.

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_TEMPORALIO_PROTOS_DESCRIPTOR_PATH");
    match std::env::var("DEP_TEMPORALIO_PROTOS_DESCRIPTOR_PATH") {
        Ok(path) => {
            println!("cargo:rerun-if-changed={path}");
            println!("cargo:rustc-env=TEMPORAL_PROTO_DESCRIPTORS={path}");
        }
        Err(_) => panic!(
            "temporalio-protos did not publish its descriptor set \
             (DEP_TEMPORALIO_PROTOS_DESCRIPTOR_PATH); is it a direct dependency?"
        ),
    }
}
