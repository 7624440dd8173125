//! Protobuf request bodies (`application/vnd.kubernetes.protobuf`), as client-go's typed
//! clients (and so kubectl's imperative generators) send them: the `k8s\0` envelope wrapping a
//! `runtime.Unknown`, whose raw bytes are the object's message. A body is decoded into exactly
//! the JSON Go's `encoding/json` writes for the decoded struct, and the request then goes the
//! JSON way. Custom resources have no protobuf form.
//!
//! | module | owns |
//! |---|---|
//! | [`wire`] | varints, field keys, wire types |
//! | [`schema`] | the generated message layouts (`schema.json`, from `scripts/gen-proto-schema`) |
//! | [`message`] | a message → Go's JSON for it |
//! | [`leaf`] | times, durations, quantities, int-or-strings, raw JSON, Go's numbers |

pub mod leaf;
pub mod message;
pub mod schema;
pub mod wire;

use serde_json::Value;
use wire::{Reader, Wire};

/// The protobuf media type.
pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// The envelope's magic prefix.
const MAGIC: &[u8] = b"k8s\0";

/// Why a protobuf body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// A varint, length or fixed-size value runs past the end.
    #[error("unexpected end of data")]
    Truncated,
    /// A varint longer than ten bytes.
    #[error("a varint is longer than ten bytes")]
    VarintOverflow,
    /// Wire type 3, 4, 6 or 7.
    #[error("illegal wire type {0}")]
    BadWireType(u8),
    /// Field number 0 or one past 2^29.
    #[error("illegal field number {0}")]
    BadFieldNumber(u64),
    /// A known field with the wrong wire type.
    #[error("wrong wire type {wire} for field {field}")]
    WireType {
        /// `type.jsonName`.
        field: String,
        /// The wire type found.
        wire: &'static str,
    },
    /// A string that is not UTF-8.
    #[error("invalid UTF-8 in field {0}")]
    Utf8(String),
    /// The body does not start with `k8s\0`.
    #[error("the body does not start with the protobuf envelope's magic number")]
    NoMagic,
    /// The envelope carries a content encoding (compression) the server does not read.
    #[error("unsupported content encoding {0:?}")]
    ContentEncoding(String),
    /// The envelope names a kind with no protobuf form here.
    #[error("no kind {kind:?} is registered for version {api_version:?}")]
    UnknownKind {
        /// The envelope's apiVersion.
        api_version: String,
        /// The envelope's kind.
        kind: String,
    },
    /// A value Go's decoder or `encoding/json` refuses.
    #[error("{0}")]
    Invalid(&'static str),
    /// The compiled-in schema is broken (a build problem, not the client's).
    #[error("protobuf schema: {0}")]
    Schema(String),
}

impl DecodeError {
    fn wrong_wire(field: &str, w: Wire<'_>) -> DecodeError {
        DecodeError::WireType { field: field.to_string(), wire: w.name() }
    }
}

/// A decoded body.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The envelope's apiVersion.
    pub api_version: String,
    /// The envelope's kind.
    pub kind: String,
    /// The object as JSON.
    pub object: Value,
}

/// True if `content_type` (parameters allowed) is the protobuf media type.
pub fn is_protobuf(content_type: &str) -> bool {
    content_type.split(';').next().unwrap_or_default().trim() == MEDIA_TYPE
}

/// Decodes an enveloped object.
pub fn decode(body: &[u8]) -> Result<Decoded, DecodeError> {
    let rest = body.strip_prefix(MAGIC).ok_or(DecodeError::NoMagic)?;
    let mut tm = message::TypeMeta::default();
    let mut raw: &[u8] = &[];
    let mut encoding = String::new();
    let mut r = Reader::new(rest);
    while let Some((num, w)) = r.field()? {
        let b = match (num, w) {
            (1..=4, Wire::Bytes(b)) => b,
            (1..=4, w) => return Err(DecodeError::wrong_wire("Unknown", w)),
            _ => continue,
        };
        match num {
            1 => {
                let mut t = Reader::new(b);
                while let Some((n, w)) = t.field()? {
                    match (n, w) {
                        (1, Wire::Bytes(s)) => tm.api_version = leaf::string(s, "apiVersion")?,
                        (2, Wire::Bytes(s)) => tm.kind = leaf::string(s, "kind")?,
                        (1 | 2, w) => return Err(DecodeError::wrong_wire("TypeMeta", w)),
                        _ => {}
                    }
                }
            }
            2 => raw = b,
            3 => encoding = leaf::string(b, "contentEncoding")?,
            _ => {}
        }
    }
    if !encoding.is_empty() {
        return Err(DecodeError::ContentEncoding(encoding));
    }
    let schema = schema::get().map_err(DecodeError::Schema)?;
    let idx = schema.kind(&tm.api_version, &tm.kind).ok_or_else(|| DecodeError::UnknownKind {
        api_version: tm.api_version.clone(),
        kind: tm.kind.clone(),
    })?;
    let object = message::decode(schema, idx, raw, Some(&tm))?;
    Ok(Decoded { api_version: tm.api_version, kind: tm.kind, object })
}

/// Decodes an enveloped object into JSON bytes, or a 400 `Status` message saying why not.
pub fn to_json(body: &[u8]) -> Result<Vec<u8>, String> {
    let d = decode(body).map_err(|e| format!("unable to decode the protobuf request body: {e}"))?;
    serde_json::to_vec(&d.object).map_err(|e| format!("unable to encode the decoded body: {e}"))
}

/// The request body as JSON: decoded when it is protobuf, borrowed as it is otherwise.
pub fn json_body(protobuf: bool, body: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    match protobuf {
        true => to_json(body).map(std::borrow::Cow::Owned),
        false => Ok(std::borrow::Cow::Borrowed(body)),
    }
}

#[cfg(test)]
mod tests;
