//! `-o json`: Go's `json.MarshalIndent(obj, "", "    ")` plus a newline, as kubectl prints.

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io;

/// Pretty JSON with four-space indentation, HTML-escaped like Go, ending with a newline.
pub fn to_json(v: &serde_json::Value) -> String {
    let mut out = Vec::with_capacity(256);
    let fmt = GoPretty { inner: PrettyFormatter::with_indent(b"    ") };
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    v.serialize(&mut ser).expect("serializing JSON to memory cannot fail");
    out.push(b'\n');
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Pretty-printing with Go's string escapes and float notation.
struct GoPretty<'a> {
    inner: PrettyFormatter<'a>,
}

macro_rules! delegate {
    ($($name:ident),*) => {
        $(fn $name<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.inner.$name(w)
        })*
    };
}

impl Formatter for GoPretty<'_> {
    delegate!(
        begin_array,
        end_array,
        begin_object,
        end_object,
        end_array_value,
        end_object_value,
        begin_object_value
    );

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.inner.begin_array_value(w, first)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.inner.begin_object_key(w, first)
    }

    fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        w.write_all(crate::object::gojson::format_float(value).as_bytes())
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        s: &str,
    ) -> io::Result<()> {
        // Reuse the compact encoder's escaping for one fragment.
        let quoted = crate::object::gojson::to_string(s);
        w.write_all(&quoted.as_bytes()[1..quoted.len() - 1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn indents_like_kubectl() {
        let v =
            json!({"kind": "List", "items": [], "metadata": {"resourceVersion": ""}, "x": "<a>"});
        assert_eq!(
            to_json(&v),
            "{\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    },\n    \"x\": \"\\u003ca\\u003e\"\n}\n"
        );
    }
}
