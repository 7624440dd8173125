//! A message's bytes → the JSON Go's `encoding/json` writes for the decoded struct: fields in
//! Go order, `omitempty` dropping false/0/""/nil pointers/empty slices and maps (structs never),
//! nil slices and maps otherwise `null`, inlined structs flattened, unknown fields skipped.

use super::DecodeError;
use super::leaf;
use super::schema::{Custom, Elem, Field, Message, Schema};
use super::wire::{Reader, Wire};
use base64::Engine;
use serde_json::{Map, Value, json};
use std::borrow::Cow;

/// How deep messages may nest before the body is refused (kube's own limit is 100).
const MAX_DEPTH: usize = 100;

/// The envelope's type information, written into the top-level inlined `TypeMeta`.
#[derive(Debug, Clone, Default)]
pub struct TypeMeta {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
}

/// Decodes message `idx` from `data`.
pub fn decode(
    schema: &Schema,
    idx: usize,
    data: &[u8],
    type_meta: Option<&TypeMeta>,
) -> Result<Value, DecodeError> {
    Decoder { schema }.message(idx, data, type_meta, 0)
}

struct Decoder<'s> {
    schema: &'s Schema,
}

impl Decoder<'_> {
    fn message(
        &self,
        idx: usize,
        data: &[u8],
        type_meta: Option<&TypeMeta>,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError::Invalid("messages nest too deeply"));
        }
        let msg = &self.schema.messages[idx];
        let mut seen: Vec<Vec<Wire<'_>>> = vec![Vec::new(); msg.fields.len()];
        let mut r = Reader::new(data);
        while let Some((num, wire)) = r.field()? {
            if let Some(i) = msg.field_index(num) {
                seen[i].push(wire);
            }
        }
        let mut out = Map::new();
        for (f, wires) in msg.fields.iter().zip(&seen) {
            if f.inline {
                match f.elem {
                    Elem::TypeMeta => {
                        if let Some(tm) = type_meta {
                            for (k, v) in [("kind", &tm.kind), ("apiVersion", &tm.api_version)] {
                                if !v.is_empty() {
                                    out.insert(k.into(), json!(v));
                                }
                            }
                        }
                    }
                    Elem::Message(sub) => {
                        let data = self.joined(msg, f, wires)?;
                        if let Value::Object(m) = self.message(sub, &data, None, depth + 1)? {
                            out.extend(m);
                        }
                    }
                    _ => {}
                }
                continue;
            }
            let value = self.field(msg, f, wires, depth)?;
            match value {
                None if f.omitempty => {}
                None => {
                    out.insert(f.json.clone(), Value::Null);
                }
                Some(v) if f.omitempty && !f.pointer && is_empty(f, &v) => {}
                Some(v) => {
                    out.insert(f.json.clone(), v);
                }
            }
        }
        Ok(match msg.custom {
            Custom::None => Value::Object(out),
            Custom::OrBool => match out.remove("Schema") {
                Some(s) if !s.is_null() => s,
                _ => out.remove("Allows").unwrap_or(Value::Bool(false)),
            },
            Custom::OrArray => match out.remove("JSONSchemas") {
                Some(Value::Array(a)) if !a.is_empty() => Value::Array(a),
                _ => out.remove("Schema").unwrap_or(Value::Null),
            },
            Custom::OrStrings => match out.remove("Property") {
                Some(Value::Array(a)) if !a.is_empty() => Value::Array(a),
                _ => out.remove("Schema").unwrap_or(Value::Null),
            },
        })
    }

    /// A field's value; `None` for a nil pointer, slice, map or `[]byte`.
    fn field(
        &self,
        msg: &Message,
        f: &Field,
        wires: &[Wire<'_>],
        depth: usize,
    ) -> Result<Option<Value>, DecodeError> {
        if f.map {
            if wires.is_empty() {
                return Ok(None);
            }
            let mut out = Map::new();
            for w in wires {
                let Wire::Bytes(entry) = *w else { return Err(self.wrong(msg, f, w)) };
                let (mut key, mut val) = (None, None);
                let mut r = Reader::new(entry);
                while let Some((n, w)) = r.field()? {
                    match (n, w) {
                        (1, Wire::Bytes(b)) => key = Some(leaf::string(b, &f.json)?),
                        (1, w) => return Err(self.wrong(msg, f, &w)),
                        (2, w) => val = Some(w),
                        _ => {}
                    }
                }
                let v = match val {
                    Some(w) => self.one(msg, f, &[w], depth)?,
                    None if f.elem == Elem::Bytes => json!(""),
                    None => self.zero(f.elem, depth)?,
                };
                out.insert(key.unwrap_or_default(), v);
            }
            return Ok(Some(Value::Object(out)));
        }
        if f.repeated {
            let mut out = Vec::new();
            for w in wires {
                match (*w, f.elem.packable()) {
                    (Wire::Bytes(b), true) => {
                        let mut r = Reader::new(b);
                        while !r.is_empty() {
                            let w = match f.elem {
                                Elem::Float64 => Wire::Fixed64(r.fixed(8)?),
                                Elem::Float32 => Wire::Fixed32(r.fixed(4)? as u32),
                                _ => Wire::Varint(r.varint()?),
                            };
                            out.push(self.scalar(msg, f, &w)?);
                        }
                    }
                    _ => out.push(self.one(msg, f, std::slice::from_ref(w), depth)?),
                }
            }
            return Ok(if out.is_empty() { None } else { Some(Value::Array(out)) });
        }
        if wires.is_empty() {
            return if f.pointer || f.elem == Elem::Bytes {
                Ok(None)
            } else {
                self.zero(f.elem, depth).map(Some)
            };
        }
        self.one(msg, f, wires, depth).map(Some)
    }

    /// One value of `f.elem` from its occurrences: the last for scalars and for the special
    /// types whose decoders replace, all of them merged for messages.
    fn one<'a>(
        &self,
        msg: &Message,
        f: &Field,
        wires: &[Wire<'a>],
        depth: usize,
    ) -> Result<Value, DecodeError> {
        let last = wires.last().ok_or(DecodeError::Invalid("empty field"))?;
        let bytes = |w: &Wire<'a>| -> Result<&'a [u8], DecodeError> {
            match *w {
                Wire::Bytes(b) => Ok(b),
                _ => Err(self.wrong(msg, f, w)),
            }
        };
        match f.elem {
            Elem::String => Ok(Value::String(leaf::string(bytes(last)?, &f.json)?)),
            Elem::Bytes => {
                Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(bytes(last)?)))
            }
            Elem::Time => leaf::time(bytes(last)?),
            Elem::MicroTime => leaf::micro_time(bytes(last)?),
            Elem::Quantity => leaf::quantity(bytes(last)?),
            Elem::Duration => leaf::duration(&self.joined(msg, f, wires)?),
            Elem::IntOrString => leaf::int_or_string(&self.joined(msg, f, wires)?),
            Elem::Raw => leaf::raw(&self.joined(msg, f, wires)?, false),
            Elem::Json => leaf::raw(&self.joined(msg, f, wires)?, true),
            Elem::Strings => leaf::strings(&self.joined(msg, f, wires)?),
            Elem::Message(idx) => self.message(idx, &self.joined(msg, f, wires)?, None, depth + 1),
            Elem::TypeMeta => Ok(Value::Null),
            _ => self.scalar(msg, f, last),
        }
    }

    fn scalar(&self, msg: &Message, f: &Field, w: &Wire<'_>) -> Result<Value, DecodeError> {
        Ok(match (f.elem, *w) {
            (Elem::Bool, Wire::Varint(v)) => json!(v != 0),
            (Elem::Int32, Wire::Varint(v)) => json!(v as i32),
            (Elem::Int64, Wire::Varint(v)) => json!(v as i64),
            (Elem::Uint32, Wire::Varint(v)) => json!(v as u32),
            (Elem::Uint64, Wire::Varint(v)) => json!(v),
            (Elem::Float64, Wire::Fixed64(v)) => leaf::float(f64::from_bits(v))?,
            (Elem::Float32, Wire::Fixed32(v)) => {
                // Go writes a float32 with 32-bit precision: "0.1", not 0.10000000149.
                let text = f32::from_bits(v).to_string();
                leaf::float(text.parse().unwrap_or(f64::NAN))?
            }
            _ => return Err(self.wrong(msg, f, w)),
        })
    }

    /// The zero value Go marshals for an absent non-pointer field.
    fn zero(&self, elem: Elem, depth: usize) -> Result<Value, DecodeError> {
        Ok(match elem {
            Elem::String | Elem::Bytes => json!(""),
            Elem::Bool => json!(false),
            Elem::Int32 | Elem::Int64 | Elem::Uint32 | Elem::Uint64 => json!(0),
            Elem::Float64 | Elem::Float32 => json!(0),
            Elem::Time | Elem::MicroTime | Elem::Raw | Elem::Json => Value::Null,
            Elem::Strings => json!([]),
            Elem::TypeMeta => Value::Null,
            Elem::Duration => json!("0s"),
            Elem::Quantity => json!("0"),
            Elem::IntOrString => json!(0),
            Elem::Message(idx) => self.message(idx, &[], None, depth + 1)?,
        })
    }

    /// The payload of a message field: its one occurrence, or all of them concatenated
    /// (protobuf's merge).
    fn joined<'a>(
        &self,
        msg: &Message,
        f: &Field,
        wires: &[Wire<'a>],
    ) -> Result<Cow<'a, [u8]>, DecodeError> {
        if let [Wire::Bytes(b)] = wires {
            return Ok(Cow::Borrowed(b));
        }
        let mut out = Vec::new();
        for w in wires {
            match *w {
                Wire::Bytes(b) => out.extend_from_slice(b),
                _ => return Err(self.wrong(msg, f, w)),
            }
        }
        Ok(Cow::Owned(out))
    }

    fn wrong(&self, msg: &Message, f: &Field, w: &Wire<'_>) -> DecodeError {
        DecodeError::WireType { field: format!("{}.{}", msg.name, f.json), wire: w.name() }
    }
}

/// Go's `isEmptyValue` for a present, non-pointer field.
fn is_empty(f: &Field, v: &Value) -> bool {
    if f.repeated || f.map {
        return false; // present means non-empty
    }
    match f.elem {
        Elem::String | Elem::Bytes => v.as_str() == Some(""),
        Elem::Bool => v == &json!(false),
        Elem::Int32 | Elem::Int64 | Elem::Uint32 | Elem::Uint64 | Elem::Float64 | Elem::Float32 => {
            v.as_f64() == Some(0.0)
        }
        _ => false,
    }
}
