//! Special leaf types: the messages apimachinery gives their own JSON form (times, durations,
//! quantities, int-or-strings, embedded raw JSON), and Go's `encoding/json` number rules.

use super::DecodeError;
use super::wire::{Reader, Wire};
use serde_json::{Value, json};

/// Seconds of Go's zero `time.Time` (0001-01-01T00:00:00Z) since the Unix epoch.
const GO_ZERO_SECONDS: i64 = -62_135_596_800;

/// The last varint of field `num` in `data` (0 when absent).
fn varint_field(data: &[u8], num: u32, what: &'static str) -> Result<u64, DecodeError> {
    let mut out = 0;
    let mut r = Reader::new(data);
    while let Some((n, w)) = r.field()? {
        if n == num {
            match w {
                Wire::Varint(v) => out = v,
                w => return Err(DecodeError::wrong_wire(what, w)),
            }
        }
    }
    Ok(out)
}

/// The last length-delimited field `num` in `data`.
fn bytes_field<'a>(
    data: &'a [u8],
    num: u32,
    what: &'static str,
) -> Result<Option<&'a [u8]>, DecodeError> {
    let mut out = None;
    let mut r = Reader::new(data);
    while let Some((n, w)) = r.field()? {
        if n == num {
            match w {
                Wire::Bytes(b) => out = Some(b),
                w => return Err(DecodeError::wrong_wire(what, w)),
            }
        }
    }
    Ok(out)
}

/// A UTF-8 string payload.
pub fn string(b: &[u8], what: &str) -> Result<String, DecodeError> {
    std::str::from_utf8(b).map(str::to_string).map_err(|_| DecodeError::Utf8(what.to_string()))
}

fn format_time(secs: i64, nanos: u32, micros: bool) -> Result<Value, DecodeError> {
    let t = chrono::DateTime::from_timestamp(secs, nanos)
        .filter(|t| (0..=9999).contains(&chrono::Datelike::year(t)))
        .ok_or(DecodeError::Invalid("a timestamp is out of range"))?;
    let fmt = if micros { "%Y-%m-%dT%H:%M:%S%.6fZ" } else { "%Y-%m-%dT%H:%M:%SZ" };
    Ok(Value::String(t.format(fmt).to_string()))
}

/// `metav1.Time`: whole seconds; an empty message is the zero time (null).
pub fn time(data: &[u8]) -> Result<Value, DecodeError> {
    if data.is_empty() {
        return Ok(Value::Null);
    }
    let secs = varint_field(data, 1, "Time.seconds")? as i64;
    varint_field(data, 2, "Time.nanos")?;
    if secs == GO_ZERO_SECONDS {
        return Ok(Value::Null);
    }
    format_time(secs, 0, false)
}

/// `metav1.MicroTime`: nanoseconds truncated to microseconds.
pub fn micro_time(data: &[u8]) -> Result<Value, DecodeError> {
    if data.is_empty() {
        return Ok(Value::Null);
    }
    let secs = varint_field(data, 1, "MicroTime.seconds")? as i64;
    let nanos = i64::from(varint_field(data, 2, "MicroTime.nanos")? as i32);
    let nanos = nanos - nanos % 1000;
    let secs = secs
        .checked_add(nanos.div_euclid(1_000_000_000))
        .ok_or(DecodeError::Invalid("a timestamp is out of range"))?;
    let nanos = nanos.rem_euclid(1_000_000_000) as u32;
    if secs == GO_ZERO_SECONDS && nanos == 0 {
        return Ok(Value::Null);
    }
    format_time(secs, nanos, true)
}

/// `metav1.Duration`: Go's `time.Duration.String()`.
pub fn duration(data: &[u8]) -> Result<Value, DecodeError> {
    let ns = varint_field(data, 1, "Duration.duration")? as i64;
    Ok(Value::String(go_duration(ns)))
}

/// Go's `time.Duration.String()`: `1h2m3.5s`, `1.5ms`, `0s`.
pub fn go_duration(ns: i64) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let sign = if ns < 0 { "-" } else { "" };
    let u = ns.unsigned_abs();
    let frac = |v: u64, digits: u32| -> String {
        let scale = 10u64.pow(digits);
        let (int, rest) = (v / scale, v % scale);
        if rest == 0 {
            return int.to_string();
        }
        let f = format!("{rest:0width$}", width = digits as usize);
        format!("{int}.{}", f.trim_end_matches('0'))
    };
    if u < 1_000_000_000 {
        return match u {
            0..1_000 => format!("{sign}{u}ns"),
            1_000..1_000_000 => format!("{sign}{}µs", frac(u, 3)),
            _ => format!("{sign}{}ms", frac(u, 6)),
        };
    }
    let whole = u / 1_000_000_000;
    let secs = frac(u % 60_000_000_000, 9);
    let (mins, hours) = ((whole / 60) % 60, whole / 3600);
    if hours > 0 {
        format!("{sign}{hours}h{mins}m{secs}s")
    } else if whole >= 60 {
        format!("{sign}{mins}m{secs}s")
    } else {
        format!("{sign}{secs}s")
    }
}

/// `resource.Quantity`: its string; absent is the zero quantity `"0"`.
pub fn quantity(data: &[u8]) -> Result<Value, DecodeError> {
    match bytes_field(data, 1, "Quantity.string")? {
        None => Ok(json!("0")),
        Some([]) => Err(DecodeError::Invalid("a quantity is empty")),
        Some(b) => Ok(Value::String(string(b, "Quantity.string")?)),
    }
}

/// `intstr.IntOrString`: the int (type 0) or the string (type 1).
pub fn int_or_string(data: &[u8]) -> Result<Value, DecodeError> {
    match varint_field(data, 1, "IntOrString.type")? {
        0 => Ok(json!(varint_field(data, 2, "IntOrString.intVal")? as i32)),
        1 => Ok(Value::String(string(
            bytes_field(data, 3, "IntOrString.strVal")?.unwrap_or_default(),
            "IntOrString.strVal",
        )?)),
        _ => Err(DecodeError::Invalid("impossible IntOrString.Type")),
    }
}

/// Embedded JSON (`RawExtension`, `FieldsV1`: absent → null; apiextensions `JSON`: empty →
/// null).
pub fn raw(data: &[u8], empty_is_null: bool) -> Result<Value, DecodeError> {
    match bytes_field(data, 1, "raw")? {
        None => Ok(Value::Null),
        Some([]) if empty_is_null => Ok(Value::Null),
        Some(b) => serde_json::from_slice(b)
            .map_err(|_| DecodeError::Invalid("an embedded raw object is not valid JSON")),
    }
}

/// A named `[]string` map value, a message {repeated string items = 1}.
pub fn strings(data: &[u8]) -> Result<Value, DecodeError> {
    let mut out = Vec::new();
    let mut r = Reader::new(data);
    while let Some((n, w)) = r.field()? {
        if n == 1 {
            match w {
                Wire::Bytes(b) => out.push(Value::String(string(b, "items")?)),
                w => return Err(DecodeError::wrong_wire("items", w)),
            }
        }
    }
    // The map value starts as a non-nil `ExtraValue{}`: empty is `[]`, never null.
    Ok(Value::Array(out))
}

/// A float as Go's `encoding/json` writes it and a JSON reader reads it back: integral
/// values below 1e21 are integers.
pub fn float(f: f64) -> Result<Value, DecodeError> {
    if !f.is_finite() {
        return Err(DecodeError::Invalid("a number is not finite"));
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        if f >= 0.0 && f <= u64::MAX as f64 && (f as u64) as f64 == f {
            return Ok(json!(f as u64));
        }
        if f >= i64::MIN as f64 && (f as i64) as f64 == f {
            return Ok(json!(f as i64));
        }
    }
    Ok(json!(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_duration_strings() {
        for (ns, s) in [
            (0, "0s"),
            (1, "1ns"),
            (1_500, "1.5µs"),
            (1_500_000, "1.5ms"),
            (1_000_000_000, "1s"),
            (60_000_000_000, "1m0s"),
            (90_500_000_000, "1m30.5s"),
            (3_600_000_000_000, "1h0m0s"),
            (-5_000_000_000, "-5s"),
        ] {
            assert_eq!(go_duration(ns), s, "{ns}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(time(&[]).unwrap(), Value::Null);
        // seconds = 1600000000
        assert_eq!(
            time(&[0x08, 0x80, 0xa0, 0xf8, 0xfa, 0x05]).unwrap(),
            json!("2020-09-13T12:26:40Z")
        );
        assert_eq!(
            micro_time(&[0x08, 0x80, 0xa0, 0xf8, 0xfa, 0x05, 0x10, 0xe9, 0x07]).unwrap(),
            json!("2020-09-13T12:26:40.000001Z")
        );
    }

    #[test]
    fn floats_read_back_as_go_writes_them() {
        assert_eq!(float(1.0).unwrap(), json!(1));
        assert_eq!(float(-2.0).unwrap(), json!(-2));
        assert_eq!(float(0.5).unwrap(), json!(0.5));
        assert!(float(f64::NAN).is_err());
    }
}
