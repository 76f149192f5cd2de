//! Checks that a compiled module fits the ABI before it is registered: its imports are ABI
//! functions with the right signatures, and it exports `run` and an unshared 32-bit `memory` that
//! starts within its cap. A module that would fail at its first run is refused here instead.

use wasmtime::{ExternType, FuncType, Module, ModuleExport, ValType};

use crate::sandbox::bundle::BundleProblem;
use crate::sandbox::engine::WASM_PAGE_BYTES;
use crate::sandbox::host::{ABI_IMPORTS, AbiImport, WASI_MODULE, WasmType};

fn describe_func(ty: &FuncType) -> String {
    let list = |types: &mut dyn Iterator<Item = ValType>| {
        types
            .map(|ty| ty.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "({}) -> ({})",
        list(&mut ty.params()),
        list(&mut ty.results())
    )
}

fn abi_signature(import: &AbiImport) -> String {
    let list = |types: &[WasmType]| {
        types
            .iter()
            .map(|ty| match ty {
                WasmType::I32 => "i32",
                WasmType::I64 => "i64",
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("({}) -> ({})", list(import.params), list(import.results))
}

fn matches(types: impl ExactSizeIterator<Item = ValType>, expected: &[WasmType]) -> bool {
    types.len() == expected.len()
        && types.zip(expected).all(|(ty, expected)| match expected {
            WasmType::I32 => matches!(ty, ValType::I32),
            WasmType::I64 => matches!(ty, ValType::I64),
        })
}

/// Checks every import against the ABI; returns whether the module is durable (imports any v1
/// call), which decides the linker it gets.
pub(crate) fn check_imports(module: &Module) -> Result<bool, BundleProblem> {
    let mut durable = false;
    for import in module.imports() {
        let name = format!("{}.{}", import.module(), import.name());
        let in_wasi = import.module() == WASI_MODULE;
        let kind = match import.ty() {
            ExternType::Memory(_) => return Err(BundleProblem::ImportsMemory(name)),
            ExternType::Func(func) => {
                let abi = ABI_IMPORTS
                    .iter()
                    .find(|abi| abi.module == import.module() && abi.name == import.name());
                if let Some(abi) = abi {
                    if !matches(func.params(), abi.params) || !matches(func.results(), abi.results)
                    {
                        return Err(BundleProblem::WrongImportSignature {
                            import: name,
                            expected: abi_signature(abi),
                            found: describe_func(&func),
                        });
                    }
                    durable |= abi.durable;
                    continue;
                }
                if in_wasi {
                    let offered = ABI_IMPORTS
                        .iter()
                        .filter(|abi| abi.module == WASI_MODULE)
                        .map(|abi| abi.name)
                        .collect::<Vec<_>>()
                        .join(", ");
                    return Err(BundleProblem::WasiNotOffered {
                        import: name,
                        offered,
                    });
                }
                format!("function {}", describe_func(&func))
            }
            ExternType::Table(_) => "table".to_owned(),
            ExternType::Global(_) => "global".to_owned(),
            ExternType::Tag(_) => "tag".to_owned(),
        };
        let allowed = ABI_IMPORTS
            .iter()
            .map(|abi| format!("{}.{}", abi.module, abi.name))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(BundleProblem::UnknownImport {
            import: name,
            kind,
            allowed,
        });
    }
    Ok(durable)
}

fn describe_export(module: &Module, name: &str) -> String {
    match module.get_export(name) {
        None => format!("it has no export named `{name}`"),
        Some(ExternType::Func(func)) => format!("`{name}` is a function {}", describe_func(&func)),
        Some(ExternType::Memory(_)) => format!("`{name}` is a memory"),
        Some(ExternType::Table(_)) => format!("`{name}` is a table"),
        Some(ExternType::Global(_)) => format!("`{name}` is a global"),
        Some(ExternType::Tag(_)) => format!("`{name}` is a tag"),
    }
}

pub(crate) fn check_exports(
    module: &Module,
    memory_limit_bytes: u64,
) -> Result<ModuleExport, BundleProblem> {
    match module.get_export("run") {
        Some(ExternType::Func(func)) if func.params().len() == 0 && func.results().len() == 0 => {}
        _ => {
            return Err(BundleProblem::BadExport {
                expected: "a function `run: () -> ()`",
                found: describe_export(module, "run"),
            });
        }
    }
    match module.get_export("_initialize") {
        None => {}
        Some(ExternType::Func(func)) if func.params().len() == 0 && func.results().len() == 0 => {}
        Some(_) => {
            return Err(BundleProblem::BadExport {
                expected: "`_initialize`, when exported, to be a function `() -> ()` (a reactor's)",
                found: describe_export(module, "_initialize"),
            });
        }
    }
    let memory = match module.get_export("memory") {
        Some(ExternType::Memory(memory)) => memory,
        _ => {
            return Err(BundleProblem::BadExport {
                expected: "its linear memory as `memory`",
                found: describe_export(module, "memory"),
            });
        }
    };
    if memory.is_64() || memory.is_shared() {
        return Err(BundleProblem::BadExport {
            expected: "an unshared 32-bit memory as `memory`",
            found: "`memory` is a 64-bit or shared memory".to_owned(),
        });
    }
    let declared = memory.minimum().saturating_mul(WASM_PAGE_BYTES);
    if declared > memory_limit_bytes {
        return Err(BundleProblem::InitialMemoryOverLimit {
            declared,
            limit: memory_limit_bytes,
        });
    }
    module
        .get_export_index("memory")
        .ok_or_else(|| BundleProblem::BadExport {
            expected: "its linear memory as `memory`",
            found: describe_export(module, "memory"),
        })
}
