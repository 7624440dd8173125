//! The message layouts of every served kind, generated from client-go's scheme by
//! `scripts/gen-proto-schema` into `schema.json` and compiled in. Parsed once, on first use.
//!
//! The file maps `apiVersion/Kind` to a message name, and each message name to its fields in
//! Go struct order: `[number, jsonName, flags, element, key?]`. Flags: `o` omitempty, `p`
//! pointer, `r` repeated, `m` map (with `key`), `i` JSON-inlined. The element is a scalar
//! (`string`, `int32`, …, `bytes`), a special leaf (`@time`, `@quantity`, …) or a message.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const SCHEMA_JSON: &str = include_str!("schema.json");

/// What a field holds (its element type, for a repeated or map field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elem {
    /// A string (also named string types).
    String,
    /// A bool.
    Bool,
    /// An int32.
    Int32,
    /// An int64.
    Int64,
    /// A uint32.
    Uint32,
    /// A uint64.
    Uint64,
    /// A float64 (fixed64 on the wire).
    Float64,
    /// A float32 (fixed32 on the wire).
    Float32,
    /// `[]byte`: base64 in JSON.
    Bytes,
    /// `metav1.Time`: {seconds, nanos} → RFC 3339 seconds, zero → null.
    Time,
    /// `metav1.MicroTime`: {seconds, nanos} → RFC 3339 microseconds, zero → null.
    MicroTime,
    /// `metav1.Duration`: {duration ns} → Go duration string.
    Duration,
    /// `resource.Quantity`: {string} → string.
    Quantity,
    /// `intstr.IntOrString`: {type, intVal, strVal} → number or string.
    IntOrString,
    /// `runtime.RawExtension`, `metav1.FieldsV1`: {raw} → embedded JSON, absent → null.
    Raw,
    /// apiextensions `JSON`: {raw} → embedded JSON, empty → null.
    Json,
    /// A named `[]string` map value (`ExtraValue`): {repeated items} → array.
    Strings,
    /// The inlined `TypeMeta`: apiVersion and kind from the envelope.
    TypeMeta,
    /// A nested message, by index in [`Schema::messages`].
    Message(usize),
}

impl Elem {
    /// True for scalars proto2 may also send packed.
    pub fn packable(self) -> bool {
        matches!(
            self,
            Elem::Bool
                | Elem::Int32
                | Elem::Int64
                | Elem::Uint32
                | Elem::Uint64
                | Elem::Float64
                | Elem::Float32
        )
    }
}

/// One Go struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Protobuf field number; 0 when the field is not on the wire.
    pub num: u32,
    /// JSON name (empty for an inlined struct).
    pub json: String,
    /// `omitempty`.
    pub omitempty: bool,
    /// A pointer (nil when absent).
    pub pointer: bool,
    /// A slice of `elem`.
    pub repeated: bool,
    /// A map from string to `elem`.
    pub map: bool,
    /// An embedded struct whose fields JSON flattens into the parent.
    pub inline: bool,
    /// The element type.
    pub elem: Elem,
}

/// A struct with its own `MarshalJSON` that picks one of its fields (apiextensions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Custom {
    /// Plain struct.
    None,
    /// `JSONSchemaPropsOrBool`: the schema, else the bool.
    OrBool,
    /// `JSONSchemaPropsOrArray`: the array when non-empty, else the schema.
    OrArray,
    /// `JSONSchemaPropsOrStringArray`: the strings when non-empty, else the schema.
    OrStrings,
}

/// One message (Go struct).
#[derive(Debug, Clone)]
pub struct Message {
    /// Go type name, e.g. `apps/v1.Deployment`.
    pub name: String,
    /// Fields in Go struct order.
    pub fields: Vec<Field>,
    /// Field number → index in `fields`.
    pub by_num: Vec<Option<usize>>,
    /// Custom JSON form.
    pub custom: Custom,
}

impl Message {
    /// The field with protobuf number `num`.
    pub fn field_index(&self, num: u32) -> Option<usize> {
        self.by_num.get(num as usize).copied().flatten()
    }
}

/// Every message, and the kinds' entry points.
#[derive(Debug)]
pub struct Schema {
    /// All messages.
    pub messages: Vec<Message>,
    kinds: HashMap<String, usize>,
}

impl Schema {
    /// The message of `apiVersion`/`kind`, if the kind is served as protobuf.
    pub fn kind(&self, api_version: &str, kind: &str) -> Option<usize> {
        self.kinds.get(&format!("{api_version}/{kind}")).copied()
    }

    /// How many kinds are covered.
    pub fn kind_count(&self) -> usize {
        self.kinds.len()
    }
}

#[derive(Deserialize)]
struct RawSchema {
    kinds: HashMap<String, String>,
    types: HashMap<String, Vec<Vec<serde_json::Value>>>,
    custom: HashMap<String, String>,
}

/// The compiled-in schema (an error only if the generated file is broken).
pub fn get() -> Result<&'static Schema, String> {
    static SCHEMA: OnceLock<Result<Schema, String>> = OnceLock::new();
    SCHEMA.get_or_init(|| parse(SCHEMA_JSON)).as_ref().map_err(Clone::clone)
}

fn parse(text: &str) -> Result<Schema, String> {
    let raw: RawSchema = serde_json::from_str(text).map_err(|e| format!("schema.json: {e}"))?;
    let mut names: Vec<&String> = raw.types.keys().collect();
    names.sort();
    let index: HashMap<&str, usize> =
        names.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
    let elem = |s: &str| -> Result<Elem, String> {
        Ok(match s {
            "string" => Elem::String,
            "bool" => Elem::Bool,
            "int32" => Elem::Int32,
            "int64" => Elem::Int64,
            "uint32" => Elem::Uint32,
            "uint64" => Elem::Uint64,
            "float64" => Elem::Float64,
            "float32" => Elem::Float32,
            "bytes" => Elem::Bytes,
            "@time" => Elem::Time,
            "@microtime" => Elem::MicroTime,
            "@duration" => Elem::Duration,
            "@quantity" => Elem::Quantity,
            "@intstr" => Elem::IntOrString,
            "@raw" => Elem::Raw,
            "@json" => Elem::Json,
            "@strings" => Elem::Strings,
            "@typemeta" => Elem::TypeMeta,
            name => Elem::Message(
                *index.get(name).ok_or_else(|| format!("schema.json: unknown type {name}"))?,
            ),
        })
    };
    let mut messages = Vec::with_capacity(names.len());
    for name in &names {
        let mut fields = Vec::new();
        let mut by_num: Vec<Option<usize>> = Vec::new();
        for row in &raw.types[*name] {
            let bad = || format!("schema.json: bad field row in {name}");
            let num = row.first().and_then(|v| v.as_u64()).ok_or_else(bad)?;
            let num = u32::try_from(num).map_err(|_| bad())?;
            let text = |i: usize| row.get(i).and_then(|v| v.as_str()).ok_or_else(bad);
            let (json, flags, el) = (text(1)?, text(2)?, text(3)?);
            if num > 0 {
                let n = num as usize;
                if by_num.len() <= n {
                    by_num.resize(n + 1, None);
                }
                by_num[n] = Some(fields.len());
            }
            fields.push(Field {
                num,
                json: json.to_string(),
                omitempty: flags.contains('o'),
                pointer: flags.contains('p'),
                repeated: flags.contains('r'),
                map: flags.contains('m'),
                inline: flags.contains('i'),
                elem: elem(el)?,
            });
        }
        let custom = match raw.custom.get(*name).map(String::as_str) {
            Some("orbool") => Custom::OrBool,
            Some("orarray") => Custom::OrArray,
            Some("orstrings") => Custom::OrStrings,
            Some(other) => return Err(format!("schema.json: unknown custom form {other}")),
            None => Custom::None,
        };
        messages.push(Message { name: (*name).clone(), fields, by_num, custom });
    }
    let kinds = raw
        .kinds
        .iter()
        .map(|(k, t)| {
            index.get(t.as_str()).map(|&i| (k.clone(), i)).ok_or(format!("schema.json: {t}"))
        })
        .collect::<Result<_, _>>()?;
    Ok(Schema { messages, kinds })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_compiled_in_schema_loads() {
        let s = super::get().unwrap();
        assert!(s.kind("apps/v1", "Deployment").is_some());
        assert!(s.kind("v1", "ConfigMap").is_some());
        assert!(s.kind("authentication.k8s.io/v1", "TokenRequest").is_some());
        assert!(s.kind("v1", "NoSuchKind").is_none());
    }
}
