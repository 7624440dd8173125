//! JSON text exactly as Go's `encoding/json` writes it: object keys sorted, compact, `<` `>` `&`
//! U+2028 U+2029 escaped, floats in Go's notation. kubectl's request bodies and
//! kube-apiserver's responses are written this way, so kctl writes them this way too.

use serde::Serialize;
use serde_json::ser::Formatter;
use std::io;

/// Serializes `value` compactly, the way Go's `json.Marshal` does.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> String {
    with_capacity(value, 512)
}

/// [`to_string`] into a buffer that starts with room for `capacity` bytes.
pub fn with_capacity<T: Serialize + ?Sized>(value: &T, capacity: usize) -> String {
    let mut out = Vec::with_capacity(capacity);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter);
    value.serialize(&mut ser).expect("serializing JSON to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Serializes `value` compactly with a trailing newline, as Go's `json.Encoder` does.
pub fn to_string_nl<T: Serialize + ?Sized>(value: &T) -> String {
    let mut s = to_string(value);
    s.push('\n');
    s
}

/// Formats a float as Go's `strconv.FormatFloat(f, 'g'-like, -1, 64)` inside `encoding/json`.
pub fn format_float(f: f64) -> String {
    let abs = f.abs();
    if abs == 0.0 || (1e-6..1e21).contains(&abs) {
        return format!("{f}");
    }
    let s = format!("{f:e}");
    match s.split_once('e') {
        Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
        _ => s,
    }
}

struct GoFormatter;

impl Formatter for GoFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(format_float(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Byte by byte: the text is UTF-8, so E2 80 A8 and E2 80 A9 are exactly U+2028 and
        // U+2029, and every other byte that matters is ASCII.
        let bytes = fragment.as_bytes();
        let (mut start, mut i) = (0, 0);
        while i < bytes.len() {
            let (esc, len) = match bytes[i] {
                b'<' => ("\\u003c", 1),
                b'>' => ("\\u003e", 1),
                b'&' => ("\\u0026", 1),
                0xE2 if bytes.get(i + 1..i + 3) == Some(&[0x80, 0xA8]) => ("\\u2028", 3),
                0xE2 if bytes.get(i + 1..i + 3) == Some(&[0x80, 0xA9]) => ("\\u2029", 3),
                _ => {
                    i += 1;
                    continue;
                }
            };
            writer.write_all(&bytes[start..i])?;
            writer.write_all(esc.as_bytes())?;
            i += len;
            start = i;
        }
        writer.write_all(&bytes[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_html_and_sorts_keys() {
        let v = json!({"b": "<a&b>\u{2028}", "a": 1});
        assert_eq!(to_string(&v), r#"{"a":1,"b":"\u003ca\u0026b\u003e\u2028"}"#);
        // Only U+2028 and U+2029 among the characters that start with the same bytes.
        let v = json!("\u{2027}\u{2029}é\u{202a}<😀\u{2028}\"&");
        assert_eq!(to_string(&v), "\"\u{2027}\\u2029é\u{202a}\\u003c😀\\u2028\\\"\\u0026\"");
    }

    #[test]
    fn formats_floats_like_go() {
        assert_eq!(format_float(1.5), "1.5");
        assert_eq!(format_float(1e20), "100000000000000000000");
        assert_eq!(format_float(1e21), "1e+21");
        assert_eq!(format_float(1.7976931348623157e308), "1.7976931348623157e+308");
        assert_eq!(format_float(1e-7), "1e-7");
        assert_eq!(format_float(0.000001), "0.000001");
    }
}
