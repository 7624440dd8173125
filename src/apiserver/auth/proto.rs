//! Just enough Kubernetes protobuf to read the review and token requests client-go's typed
//! clients send (`application/vnd.kubernetes.protobuf`): the `k8s\0` envelope
//! (`runtime.Unknown`) and the few message fields the handlers use, turned into the same JSON
//! the handlers accept. Answers are sent as JSON, which those clients also accept.

use serde_json::{Value, json};

/// The protobuf media type.
pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";

enum Field<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

fn varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// The fields of one message, in order; `None` on malformed input.
fn fields(mut b: &[u8]) -> Option<Vec<(u64, Field<'_>)>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let key = varint(&mut b)?;
        let f = match key & 7 {
            0 => Field::Varint(varint(&mut b)?),
            1 => {
                b = b.get(8..)?;
                continue;
            }
            2 => {
                let len = usize::try_from(varint(&mut b)?).ok()?;
                let (data, rest) = (b.get(..len)?, b.get(len..)?);
                b = rest;
                Field::Bytes(data)
            }
            5 => {
                b = b.get(4..)?;
                continue;
            }
            _ => return None,
        };
        out.push((key >> 3, f));
    }
    Some(out)
}

fn bytes_of<'a>(fs: &'a [(u64, Field<'a>)], n: u64) -> Option<&'a [u8]> {
    fs.iter().rev().find_map(|(k, f)| match f {
        Field::Bytes(b) if *k == n => Some(*b),
        _ => None,
    })
}

fn string_of(fs: &[(u64, Field<'_>)], n: u64) -> String {
    bytes_of(fs, n).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default()
}

fn strings(fs: &[(u64, Field<'_>)], n: u64) -> Vec<String> {
    fs.iter()
        .filter_map(|(k, f)| match f {
            Field::Bytes(b) if *k == n => Some(String::from_utf8_lossy(b).into_owned()),
            _ => None,
        })
        .collect()
}

/// Decodes an enveloped SelfSubjectAccessReview, SelfSubjectRulesReview or TokenRequest into
/// its JSON form.
pub fn decode(body: &[u8]) -> Option<Value> {
    let envelope = fields(body.strip_prefix(b"k8s\0")?)?;
    let type_meta = fields(bytes_of(&envelope, 1)?)?;
    let kind = string_of(&type_meta, 2);
    let obj = fields(bytes_of(&envelope, 2)?)?;
    let spec_bytes = bytes_of(&obj, 2).unwrap_or_default();
    let spec = fields(spec_bytes)?;
    let spec_json = match kind.as_str() {
        "SelfSubjectAccessReview" => {
            if let Some(r) = bytes_of(&spec, 1) {
                let r = fields(r)?;
                json!({"resourceAttributes": {
                    "namespace": string_of(&r, 1), "verb": string_of(&r, 2),
                    "group": string_of(&r, 3), "version": string_of(&r, 4),
                    "resource": string_of(&r, 5), "subresource": string_of(&r, 6),
                    "name": string_of(&r, 7)}})
            } else if let Some(n) = bytes_of(&spec, 2) {
                let n = fields(n)?;
                json!({"nonResourceAttributes": {"path": string_of(&n, 1), "verb": string_of(&n, 2)}})
            } else {
                json!({})
            }
        }
        "SelfSubjectRulesReview" => json!({"namespace": string_of(&spec, 1)}),
        "SelfSubjectReview" => json!({}),
        "TokenRequest" => {
            let mut s = json!({"audiences": strings(&spec, 1)});
            if let Some(secs) = spec.iter().find_map(|(k, f)| match f {
                Field::Varint(v) if *k == 4 => Some(*v),
                _ => None,
            }) {
                s["expirationSeconds"] = json!(secs);
            }
            s
        }
        _ => return None,
    };
    Some(json!({"kind": kind, "spec": spec_json}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(parts: &[(u8, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (n, data) in parts {
            out.push((n << 3) | 2);
            out.push(data.len() as u8);
            out.extend_from_slice(data);
        }
        out
    }

    #[test]
    fn access_review() {
        let attrs = msg(&[(1, b"dev"), (2, b"list"), (5, b"pods")]);
        let spec = msg(&[(1, &attrs)]);
        let obj = msg(&[(2, &spec)]);
        let tm = msg(&[(1, b"authorization.k8s.io/v1"), (2, b"SelfSubjectAccessReview")]);
        let mut body = b"k8s\0".to_vec();
        body.extend(msg(&[(1, &tm), (2, &obj)]));
        let v = decode(&body).unwrap();
        assert_eq!(v["spec"]["resourceAttributes"]["verb"], "list");
        assert_eq!(v["spec"]["resourceAttributes"]["namespace"], "dev");
        assert!(decode(b"k8s\0\xff").is_none());
    }
}
