//! Components for the tests, written in WAT, and the runtime that loads them.
//!
//! Each exported function is lifted from a core function whose signature is the canonical ABI's flattening of the
//! component-level one. Up to 16 flat parameters are passed as they are, and a result of more than one flat
//! value is returned through a pointer. Most bodies are `unreachable`, because the schema and conversion tests only read
//! the types. `add` and `greet` run, to carry real values through a call.

use std::path::Path;
use std::sync::OnceLock;

use cordon_runtime::types::ComponentFunc;
use cordon_runtime::{Function, Runtime, RuntimeConfig, Tool};
use wasmtime::component::types::ComponentItem;

use crate::Signature;

/// Types that run in Cordon's own engine: records, enums, variants, flags, tuples, options, results and lists.
const TYPED: &str = r#"
(component
  (type $mode-def (enum "literal" "whole-word" "prefix"))
  (export $mode "mode" (type $mode-def))
  (type $query-def (record
    (field "text" string)
    (field "mode" $mode)
    (field "case-sensitive" bool)
    (field "context" (option u8))))
  (export $query "query" (type $query-def))
  (type $shape-def (variant
    (case "none")
    (case "text" string)
    (case "point" (tuple s32 s32))
    (case "both" (result u8 (error string)))))
  (export $shape "shape" (type $shape-def))
  (type $perms-def (flags "read" "write" "execute"))
  (export $perms "perms" (type $perms-def))

  (core module $guest
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    ;; A bump allocator: rounds the next free address up to `align` and hands out `new_size` bytes from there.
    (func (export "realloc")
      (param $old i32) (param $old_size i32) (param $align i32) (param $new_size i32) (result i32)
      (local $address i32)
      global.get $next
      local.get $align
      i32.add
      i32.const 1
      i32.sub
      i32.const 0
      local.get $align
      i32.sub
      i32.and
      local.tee $address
      local.get $new_size
      i32.add
      global.set $next
      local.get $address)
    (func (export "add") (param i32 i32) (result i32)
      local.get 0
      local.get 1
      i32.add)
    ;; Returns its string: the pointer and length go to the return area at address 0.
    (func (export "greet") (param i32 i32) (result i32)
      i32.const 0
      local.get 0
      i32.store
      i32.const 4
      local.get 1
      i32.store
      i32.const 0)
    (func (export "search") (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32) unreachable)
    (func (export "describe") (param i32 i32 i32 i32) (result i32) unreachable)
    (func (export "numbers") (param i32 i32 i32 i32 i32 i32 i64 i64 f32 f64) unreachable)
    (func (export "nothing") unreachable)
    (func (export "echo-query") (param i32 i32 i32 i32 i32 i32) (result i32) unreachable)
    (func (export "echo-shape") (param i32 i32 i32 i32) (result i32) unreachable)
    (func (export "echo-perms") (param i32) (result i32) unreachable)
    (func (export "echo-pair") (param i32 i32 f64) (result i32) unreachable)
    (func (export "echo-maybe") (param i32 i32) (result i32) unreachable)
    (func (export "echo-outcomes") (param i32 i32) (result i32) unreachable)
    (func (export "echo-mode") (param i32) (result i32) unreachable)
    (func (export "echo-words") (param i32 i32) (result i32) unreachable)
    (func (export "echo-char") (param i32) (result i32) unreachable)
    (func (export "echo-big") (param i64) (result i64) unreachable)
    (func (export "echo-float") (param f32) (result f32) unreachable)
    (func (export "echo-bool") (param i32) (result i32) unreachable)
    (func (export "open") (param i32 i32) (result i32) unreachable)
    (func (export "count") (result i32) unreachable)
    (func (export "touch") (result i32) unreachable))
  (core instance $instance (instantiate $guest))

  (func (export "add") (param "a" u32) (param "b" u32) (result u32)
    (canon lift (core func $instance "add")))
  (func (export "greet") (param "name" string) (result string)
    (canon lift (core func $instance "greet")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "search") (param "query" $query) (param "limit" (option u32)) (result (list string))
    (canon lift (core func $instance "search")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "describe") (param "shape" $shape) (result u32)
    (canon lift (core func $instance "describe")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "numbers")
    (param "a" s8) (param "b" u8) (param "c" s16) (param "d" u16) (param "e" s32) (param "f" u32)
    (param "g" s64) (param "h" u64) (param "x" float32) (param "y" float64)
    (canon lift (core func $instance "numbers")))
  (func (export "nothing")
    (canon lift (core func $instance "nothing")))
  (func (export "echo-query") (param "value" $query) (result $query)
    (canon lift (core func $instance "echo-query")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "echo-shape") (param "value" $shape) (result $shape)
    (canon lift (core func $instance "echo-shape")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "echo-perms") (param "value" $perms) (result $perms)
    (canon lift (core func $instance "echo-perms")))
  (func (export "echo-pair") (param "value" (tuple string float64)) (result (tuple string float64))
    (canon lift (core func $instance "echo-pair")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "echo-maybe") (param "value" (option s16)) (result (option s16))
    (canon lift (core func $instance "echo-maybe")
      (memory (core memory $instance "memory"))))
  (func (export "echo-outcomes") (param "value" (list (result u8))) (result (list (result u8)))
    (canon lift (core func $instance "echo-outcomes")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "echo-mode") (param "value" $mode) (result $mode)
    (canon lift (core func $instance "echo-mode")))
  (func (export "echo-words") (param "value" (list string)) (result (list string))
    (canon lift (core func $instance "echo-words")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "echo-char") (param "value" char) (result char)
    (canon lift (core func $instance "echo-char")))
  (func (export "echo-big") (param "value" u64) (result u64)
    (canon lift (core func $instance "echo-big")))
  (func (export "echo-float") (param "value" float32) (result float32)
    (canon lift (core func $instance "echo-float")))
  (func (export "echo-bool") (param "value" bool) (result bool)
    (canon lift (core func $instance "echo-bool")))
  (func (export "open") (param "path" string) (result (result $query (error string)))
    (canon lift (core func $instance "open")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "count") (result (result u32 (error string)))
    (canon lift (core func $instance "count")
      (memory (core memory $instance "memory"))))
  (func (export "touch") (result (result (error string)))
    (canon lift (core func $instance "touch")
      (memory (core memory $instance "memory"))))
)
"#;

/// Resource handles, which have no JSON form: in a parameter's record field and in a result's `ok` side.
const RESOURCES: &str = r#"
(component
  (type $handle-def (resource (rep i32)))
  (export $handle "handle" (type $handle-def))
  (type $query-def (record (field "text" string) (field "handle" (own $handle))))
  (export $query "query" (type $query-def))

  (core module $guest
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 1024)
    (func (export "search") (param i32 i32 i32) unreachable)
    (func (export "open") (result i32) unreachable)
    (func (export "inspect") (param i32) (result i32) unreachable))
  (core instance $instance (instantiate $guest))

  (func (export "search") (param "query" $query)
    (canon lift (core func $instance "search")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "open") (result (result (own $handle) (error string)))
    (canon lift (core func $instance "open")
      (memory (core memory $instance "memory"))))
  (func (export "inspect") (param "handle" (borrow $handle)) (result u32)
    (canon lift (core func $instance "inspect")))
)
"#;

/// Options directly inside options: as a parameter, inside a record field, and as a result.
const NESTED_OPTIONS: &str = r#"
(component
  (type $settings-def (record (field "depth" (option (option u8)))))
  (export $settings "settings" (type $settings-def))

  (core module $guest
    (memory (export "memory") 1)
    (func (export "pick") (param i32 i32 i32) unreachable)
    (func (export "configure") (param i32 i32 i32) unreachable)
    (func (export "guess") (result i32) unreachable))
  (core instance $instance (instantiate $guest))

  (func (export "pick") (param "choice" (option (option u8)))
    (canon lift (core func $instance "pick")))
  (func (export "configure") (param "settings" $settings)
    (canon lift (core func $instance "configure")))
  (func (export "guess") (result (option (option u8)))
    (canon lift (core func $instance "guess")
      (memory (core memory $instance "memory"))))
)
"#;

/// Types Cordon's engine leaves disabled: maps and fixed-length lists. The tests compile this component with an
/// engine of their own that enables them.
const EXTENDED: &str = r#"
(component
  (core module $guest
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 1024)
    (func (export "echo-counts") (param i32 i32) (result i32) unreachable)
    (func (export "echo-names") (param i32 i32) (result i32) unreachable)
    (func (export "echo-color") (param i32 i32 i32) (result i32) unreachable))
  (core instance $instance (instantiate $guest))

  (func (export "echo-counts") (param "value" (map string u32)) (result (map string u32))
    (canon lift (core func $instance "echo-counts")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "echo-names") (param "value" (map u32 string)) (result (map u32 string))
    (canon lift (core func $instance "echo-names")
      (memory (core memory $instance "memory")) (realloc (core func $instance "realloc"))))
  (func (export "echo-color") (param "value" (list u8 3)) (result (list u8 3))
    (canon lift (core func $instance "echo-color")
      (memory (core memory $instance "memory"))))
)
"#;

/// Returns the runtime every test shares. Loading compiles each component once with Cranelift, so the tools are
/// shared too.
pub(crate) fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Runtime::new(RuntimeConfig { cache_dir: None, max_concurrent_calls: 4, ..Default::default() })
            .expect("the runtime starts")
    })
}

/// Returns the tool built from [`TYPED`].
pub(crate) fn typed_tool() -> &'static Tool {
    static TOOL: OnceLock<Tool> = OnceLock::new();
    TOOL.get_or_init(|| load("typed", TYPED))
}

/// Returns a function of [`TYPED`].
pub(crate) fn typed(name: &str) -> &'static Function {
    typed_tool().function(name).unwrap_or_else(|| panic!("the typed component exports {name}"))
}

/// Returns a function of [`RESOURCES`].
pub(crate) fn with_resources(name: &str) -> &'static Function {
    static TOOL: OnceLock<Tool> = OnceLock::new();
    let tool = TOOL.get_or_init(|| load("resources", RESOURCES));
    tool.function(name).unwrap_or_else(|| panic!("the resources component exports {name}"))
}

/// Returns a function of [`NESTED_OPTIONS`].
pub(crate) fn with_nested_options(name: &str) -> &'static Function {
    static TOOL: OnceLock<Tool> = OnceLock::new();
    let tool = TOOL.get_or_init(|| load("nested-options", NESTED_OPTIONS));
    tool.function(name).unwrap_or_else(|| panic!("the nested-options component exports {name}"))
}

/// Returns the signature of a function of [`EXTENDED`], compiled by an engine with maps and fixed-length lists
/// enabled.
pub(crate) fn extended(name: &str) -> Signature<'static> {
    static FUNCTIONS: OnceLock<Vec<(String, ComponentFunc)>> = OnceLock::new();
    let functions = FUNCTIONS.get_or_init(|| {
        let mut config = wasmtime::Config::new();
        config.wasm_component_model(true);
        config.wasm_component_model_map(true);
        config.wasm_component_model_fixed_length_lists(true);
        let engine = wasmtime::Engine::new(&config).expect("the engine accepts the configuration");
        let bytes = wat::parse_str(EXTENDED).expect("the extended component is valid WAT");
        let component = wasmtime::component::Component::new(&engine, &bytes).expect("the extended component compiles");

        let component_type = component.component_type();
        let exports = component_type.exports(&engine);
        exports
            .filter_map(|(name, item)| match item.ty {
                ComponentItem::ComponentFunc(func) => Some((name.to_owned(), func)),
                _ => None,
            })
            .collect()
    });

    let (name, func) = functions
        .iter()
        .find(|(export, _)| export == name)
        .unwrap_or_else(|| panic!("the extended component exports {name}"));
    Signature { name, params: func.params().collect(), result: func.results().next() }
}

fn load(name: &str, wat: &str) -> Tool {
    let bytes = wat::parse_str(wat).unwrap_or_else(|error| panic!("the {name} component is valid WAT: {error}"));
    runtime()
        .load_tool_bytes(Path::new(&format!("{name}.wasm")), &bytes)
        .unwrap_or_else(|error| panic!("the {name} component loads: {error}"))
}
