//! YAML decoding as kubectl does it: YAML 1.1 scalar resolution (go-yaml v2 rules), merge
//! keys, duplicate-key rejection, alias budget, with the position of every node kept so
//! that errors and warnings can name a line.
//!
//! serde-saphyr resolves values the same way but cannot say where a value came from; this
//! module drives its event parser (granit-parser) directly and builds a positioned tree. Plain
//! manifests are read first by [`super::quick`], which gives the same events faster.

use granit_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// Most nodes one stream may expand to, counting every alias expansion (alias-bomb guard).
pub(crate) const NODE_BUDGET: usize = 1_000_000;
/// Mappings up to this many keys are searched for duplicates without an index.
const LINEAR_KEYS: usize = 16;
/// Deepest nesting accepted (the parser's own limits also apply).
const NESTING_LIMIT: usize = 200;

/// A decoded node with the position (1-based line and column) where it starts.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    pub line: usize,
    pub col: usize,
    /// Number of nodes in this subtree, for the alias budget.
    size: usize,
}

/// The shape of a node.
#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// A resolved scalar; `yaml11` is set when YAML 1.2 would resolve the text differently
    /// (boxed: it is rare, and keeping nodes small keeps decoding fast).
    Scalar { value: Value, yaml11: Option<Box<Yaml11>> },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, keys in document order (already stringified as sigs.k8s.io/yaml does).
    Map(Vec<(String, Node)>),
}

/// A plain scalar that YAML 1.1 reads differently than YAML 1.2.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Yaml11 {
    /// The text as written.
    pub raw: String,
    /// What YAML 1.1 reads, e.g. `the boolean true`.
    pub meaning: String,
    /// What YAML 1.2 reads, e.g. `the string "yes"`.
    pub yaml12: String,
}

impl Node {
    /// A node at a position.
    pub fn positioned(kind: Kind, line: usize, col: usize) -> Node {
        Node::new(kind, line, col)
    }

    fn new(kind: Kind, line: usize, col: usize) -> Node {
        let size = 1 + match &kind {
            Kind::Scalar { .. } => 0,
            Kind::Seq(items) => items.iter().map(|n| n.size).sum(),
            Kind::Map(entries) => entries.iter().map(|(_, n)| n.size).sum(),
        };
        Node { kind, line, col, size }
    }

    /// The entry `key` of a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, n)| n),
            _ => None,
        }
    }

    /// The string value of a scalar node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value: Value::String(s), .. } => Some(s),
            _ => None,
        }
    }

    /// Whether this node is a null scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { value: Value::Null, .. })
    }

    /// A short name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar { value, .. } => match value {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                _ => "a value",
            },
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// Converts to JSON, consuming the tree.
    pub fn into_value(self) -> Value {
        match self.kind {
            Kind::Scalar { value, .. } => value,
            Kind::Seq(items) => Value::Array(items.into_iter().map(Node::into_value).collect()),
            Kind::Map(entries) => {
                Value::Object(entries.into_iter().map(|(k, v)| (k, v.into_value())).collect())
            }
        }
    }

    /// Converts to JSON.
    pub fn to_value(&self) -> Value {
        match &self.kind {
            Kind::Scalar { value, .. } => value.clone(),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Kind::Map(entries) => {
                let mut m = Map::new();
                for (k, v) in entries {
                    m.insert(k.clone(), v.to_value());
                }
                Value::Object(m)
            }
        }
    }
}

/// One document of a stream: its 0-based index and its root (None when empty or null).
#[derive(Debug)]
pub(crate) struct Document {
    pub index: usize,
    pub root: Option<Node>,
}

/// A YAML 1.1 warning at a line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Yaml11Warning {
    pub document: usize,
    pub line: usize,
    pub message: String,
}

/// A decoding error at a position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

fn err(line: usize, col: usize, message: impl Into<String>) -> YamlError {
    YamlError { line, col, message: message.into() }
}

/// Decodes a whole YAML stream. Stops at the first error (the parser cannot resynchronise).
pub(crate) fn decode_stream(text: &str) -> (Vec<Document>, Vec<Yaml11Warning>, Option<YamlError>) {
    let mut docs = Vec::new();
    let (warnings, error) = decode_each(text, |d| docs.push(d));
    (docs, warnings, error)
}

/// Decodes a YAML stream, handing its documents to `each`; stops at the first error. The fast
/// reader ([`super::quick`]) tries first and hands its documents over once the whole stream is
/// read (it may give up anywhere, and the full parser then starts over); the full parser hands
/// each document over as soon as it ends.
pub(crate) fn decode_each(
    text: &str,
    each: impl FnMut(Document),
) -> (Vec<Yaml11Warning>, Option<YamlError>) {
    if let Some((docs, warnings)) = decode_quick(text) {
        docs.into_iter().for_each(each);
        return (warnings, None);
    }
    decode_full(text, each)
}

/// [`decode_each`] through the full parser.
fn decode_full(
    text: &str,
    mut each: impl FnMut(Document),
) -> (Vec<Yaml11Warning>, Option<YamlError>) {
    let mut b = Builder::default();
    let parser = Parser::new_from_str(text);
    for item in parser {
        let ended = match item {
            Ok((event, span)) => {
                let end = matches!(event, Event::DocumentEnd);
                if let Err(e) = b.event(event, span) {
                    b.docs.drain(..).for_each(&mut each);
                    return (b.warnings, Some(e));
                }
                end
            }
            Err(e) => {
                let m = e.marker();
                let message = e.info().lines().next().unwrap_or("invalid YAML").to_string();
                b.docs.drain(..).for_each(&mut each);
                return (b.warnings, Some(err(m.line(), m.col() + 1, message)));
            }
        };
        if ended {
            b.docs.drain(..).for_each(&mut each);
        }
    }
    b.docs.drain(..).for_each(&mut each);
    (b.warnings, None)
}

/// The documents of a stream that [`super::quick`] reads, with their warnings; `None` when
/// it cannot, or when anything in the stream is an error (the full parser then says what).
fn decode_quick(text: &str) -> Option<(Vec<Document>, Vec<Yaml11Warning>)> {
    let mut b = Builder::default();
    super::quick::events(text, &mut |event, span| {
        b.event(event, span).map_err(|_| super::quick::Unsupported)
    })
    .ok()?;
    Some((b.docs, b.warnings))
}

/// For tests: `Ok(true)` when the fast reader reads `text` exactly as the full parser does,
/// `Ok(false)` when it leaves it to the full parser, `Err` with both readings when they differ.
#[cfg(test)]
pub(crate) fn differs_from_full_parser(text: &str) -> Result<bool, String> {
    let Some((docs, warnings)) = decode_quick(text) else { return Ok(false) };
    let mut full = Vec::new();
    let (full_warnings, error) = decode_full(text, |d| full.push(d));
    let quick = format!("{docs:#?}\n{warnings:#?}");
    let full = format!("{full:#?}\n{full_warnings:#?}");
    match (error, quick == full) {
        (None, true) => Ok(true),
        (error, _) => Err(format!("fast: {quick}\nfull: {full}\nfull parser's error: {error:?}")),
    }
}

#[derive(Debug)]
enum Frame {
    Seq {
        line: usize,
        col: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        line: usize,
        col: usize,
        anchor: usize,
        entries: Vec<(String, Node)>,
        /// The line of each entry's key.
        key_lines: Vec<usize>,
        /// Entry positions by key, built once a mapping is too long to search.
        index: Option<HashMap<String, usize>>,
        key: Option<(String, bool, usize, usize)>,
        merges: Vec<Node>,
    },
}

#[derive(Debug, Default)]
struct Builder {
    docs: Vec<Document>,
    warnings: Vec<Yaml11Warning>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    doc_index: usize,
    in_doc: bool,
    budget_used: usize,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let line = span.start.line();
        let col = span.start.col() + 1;
        match event {
            Event::DocumentStart(..) => {
                self.in_doc = true;
                self.anchors.clear();
                self.root = None;
            }
            Event::DocumentEnd if self.in_doc => {
                let root = self.root.take().filter(|n| !n.is_null());
                self.docs.push(Document { index: self.doc_index, root });
                self.doc_index += 1;
                self.in_doc = false;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let (value, yaml11) = resolve(&text, style, tag.as_deref(), line, col)?;
                if let Some(y) = &yaml11 {
                    self.warnings.push(Yaml11Warning {
                        document: self.doc_index,
                        line,
                        message: format!(
                            "the unquoted value {} is read as {} (YAML 1.1, as kubectl reads it); YAML 1.2 reads {}",
                            y.raw, y.meaning, y.yaml12
                        ),
                    });
                }
                let is_merge_key = style == ScalarStyle::Plain && tag.is_none() && text == "<<";
                let node =
                    Node::new(Kind::Scalar { value, yaml11: yaml11.map(Box::new) }, line, col);
                self.complete(node, anchor, is_merge_key)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                self.push(Frame::Seq { line, col, anchor, items: Vec::new() }, line, col)?;
            }
            Event::MappingStart(_, anchor, _) => {
                self.push(
                    Frame::Map {
                        line,
                        col,
                        anchor,
                        entries: Vec::new(),
                        key_lines: Vec::new(),
                        index: None,
                        key: None,
                        merges: Vec::new(),
                    },
                    line,
                    col,
                )?;
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { line, col, anchor, items }) = self.stack.pop() {
                    self.complete(Node::new(Kind::Seq(items), line, col), anchor, false)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map { line, col, anchor, mut entries, merges, .. }) =
                    self.stack.pop()
                {
                    if !merges.is_empty() {
                        let mut present: std::collections::HashSet<String> =
                            entries.iter().map(|(k, _)| k.clone()).collect();
                        for m in merges {
                            if let Kind::Map(src) = m.kind {
                                for (k, v) in src {
                                    if present.insert(k.clone()) {
                                        entries.push((k, v));
                                    }
                                }
                            }
                        }
                    }
                    self.complete(Node::new(Kind::Map(entries), line, col), anchor, false)?;
                }
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).ok_or_else(|| err(line, col, "unknown anchor"))?;
                self.budget_used += node.size;
                if self.budget_used > NODE_BUDGET {
                    return Err(err(
                        line,
                        col,
                        format!("aliases expand to more than {NODE_BUDGET} nodes"),
                    ));
                }
                let mut node = node.clone();
                node.line = line;
                node.col = col;
                self.complete(node, 0, false)?;
            }
            Event::UnresolvedAlias(name) => {
                return Err(err(line, col, format!("unknown anchor {name}")));
            }
            _ => {}
        }
        Ok(())
    }

    fn push(&mut self, frame: Frame, line: usize, col: usize) -> Result<(), YamlError> {
        if self.stack.len() >= NESTING_LIMIT {
            return Err(err(line, col, format!("nesting deeper than {NESTING_LIMIT} levels")));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn complete(&mut self, node: Node, anchor: usize, is_merge_key: bool) -> Result<(), YamlError> {
        self.budget_used += 1;
        if self.budget_used > NODE_BUDGET {
            return Err(err(node.line, node.col, format!("more than {NODE_BUDGET} nodes")));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key_lines, index, key, merges, .. }) => match key.take() {
                None => {
                    let k = key_string(&node)?;
                    *key = Some((k, is_merge_key, node.line, node.col));
                }
                Some((_, true, kl, kc)) => match node.kind {
                    Kind::Map(_) => merges.push(node),
                    Kind::Seq(items) => {
                        for item in items {
                            if !matches!(item.kind, Kind::Map(_)) {
                                return Err(err(
                                    item.line,
                                    item.col,
                                    "merge key << needs a mapping or a list of mappings",
                                ));
                            }
                            merges.push(item);
                        }
                    }
                    _ => {
                        return Err(err(
                            kl,
                            kc,
                            "merge key << needs a mapping or a list of mappings",
                        ));
                    }
                },
                Some((k, false, kl, kc)) => {
                    let at = match index {
                        Some(ix) => ix.get(&k).copied(),
                        None => entries.iter().position(|(e, _)| *e == k),
                    };
                    if let Some(at) = at {
                        let prev = key_lines[at];
                        return Err(err(
                            kl,
                            kc,
                            format!("mapping key {k:?} already defined at line {prev}"),
                        ));
                    }
                    if let Some(ix) = index {
                        ix.insert(k.clone(), entries.len());
                    } else if entries.len() >= LINEAR_KEYS {
                        let mut ix: HashMap<String, usize> =
                            entries.iter().enumerate().map(|(i, (e, _))| (e.clone(), i)).collect();
                        ix.insert(k.clone(), entries.len());
                        *index = Some(ix);
                    }
                    entries.push((k, node));
                    key_lines.push(kl);
                }
            },
        }
        Ok(())
    }
}

/// Mapping keys become strings as sigs.k8s.io/yaml makes them (`true`, `420`, `null`).
fn key_string(node: &Node) -> Result<String, YamlError> {
    match &node.kind {
        Kind::Scalar { value, .. } => Ok(match value {
            Value::String(s) => s.clone(),
            Value::Null => "null".to_string(),
            other => other.to_string(),
        }),
        _ => Err(err(node.line, node.col, "a mapping key must be a scalar, not a collection")),
    }
}

/// Resolves a scalar with its style and tag.
fn resolve(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    line: usize,
    col: usize,
) -> Result<(Value, Option<Yaml11>), YamlError> {
    if let Some(tag) = tag
        && tag.is_yaml_core_schema()
    {
        let want = tag.suffix();
        return match want {
            "str" | "binary" | "timestamp" => Ok((Value::String(text.to_string()), None)),
            "null" | "bool" | "int" | "float" => {
                let (v, _) = resolve_plain(text).map_err(|m| err(line, col, m))?;
                let ok = match (want, &v) {
                    ("null", Value::Null) | ("bool", Value::Bool(_)) => true,
                    ("int", Value::Number(n)) => n.is_i64() || n.is_u64(),
                    ("float", Value::Number(_)) => true,
                    _ => false,
                };
                if ok {
                    Ok((v, None))
                } else {
                    Err(err(line, col, format!("cannot read {text:?} as !!{want}")))
                }
            }
            _ => Ok((Value::String(text.to_string()), None)),
        };
    }
    if style != ScalarStyle::Plain {
        return Ok((Value::String(text.to_string()), None));
    }
    resolve_plain(text).map_err(|m| err(line, col, m))
}

/// go-yaml v2's resolution of a plain scalar, and whether YAML 1.2 would differ.
pub(crate) fn resolve_plain(s: &str) -> Result<(Value, Option<Yaml11>), String> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Ok((Value::Null, None)),
        "true" | "True" | "TRUE" => return Ok((Value::Bool(true), None)),
        "false" | "False" | "FALSE" => return Ok((Value::Bool(false), None)),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return Ok((Value::Bool(true), Some(y11(s, "the boolean true"))));
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Ok((Value::Bool(false), Some(y11(s, "the boolean false"))));
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
            return Err(format!("the value {s} is not representable in JSON"));
        }
        _ => {}
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return Ok((Value::String(s.to_string()), None));
    }
    if let Some(n) = parse_int(s) {
        let differs = yaml12_int(s).as_ref() != Some(&n);
        let yaml11 = differs.then(|| y11(s, &format!("the number {n}")));
        return Ok((Value::Number(n), yaml11));
    }
    if is_float(s)
        && let Ok(f) = s.replace('_', "").parse::<f64>()
        && f.is_finite()
    {
        let differs = s.contains('_');
        let value = float_value(f);
        let yaml11 = differs.then(|| y11(s, &format!("the number {value}")));
        return Ok((value, yaml11));
    }
    Ok((Value::String(s.to_string()), None))
}

fn y11(raw: &str, meaning: &str) -> Yaml11 {
    let yaml12 = match yaml12_int(raw) {
        Some(n) => format!("the number {n}"),
        None => format!("the string {raw:?}"),
    };
    Yaml11 { raw: raw.to_string(), meaning: meaning.to_string(), yaml12 }
}

/// A float that is a whole number becomes an integer, as the JSON round trip in kubectl does.
fn float_value(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        Value::Number(Number::from(f as i64))
    } else {
        Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` then `ParseUint`, after go-yaml strips underscores.
fn parse_int(s: &str) -> Option<Number> {
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, &plain[..]),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d)
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let mag = u128::from_str_radix(digits, radix).ok()?;
    if neg {
        if mag <= 1u128 << 63 {
            Some(Number::from((mag as i128).wrapping_neg() as i64))
        } else {
            None
        }
    } else if mag <= i64::MAX as u128 {
        Some(Number::from(mag as i64))
    } else if mag <= u64::MAX as u128 {
        Some(Number::from(mag as u64))
    } else {
        None
    }
}

/// The YAML 1.2 core schema's integer, if `s` is one.
fn yaml12_int(s: &str) -> Option<Number> {
    if s.contains('_') {
        return None;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body.starts_with("0x") && s == body {
        return parse_int(s);
    }
    if let Some(d) = body.strip_prefix("0o") {
        if s == body {
            return parse_int(&format!("0o{d}"));
        }
        return None;
    }
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Decimal, leading zeros allowed.
    let trimmed = body.trim_start_matches('0');
    let dec = if trimmed.is_empty() { "0" } else { trimmed };
    let signed = if s.starts_with('-') { format!("-{dec}") } else { dec.to_string() };
    parse_int(&signed)
}

/// go-yaml v2's float syntax: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
/// (after underscores are removed).
fn is_float(s: &str) -> bool {
    let p: Vec<u8> = s.bytes().filter(|&b| b != b'_').collect();
    let mut i = 0;
    if i < p.len() && (p[i] == b'-' || p[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < p.len() && p[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < p.len() && p[i] == b'.' {
        i += 1;
        let fs = i;
        while i < p.len() && p[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == fs {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < p.len() && (p[i] == b'e' || p[i] == b'E') {
        i += 1;
        if i < p.len() && (p[i] == b'-' || p[i] == b'+') {
            i += 1;
        }
        let es = i;
        while i < p.len() && p[i].is_ascii_digit() {
            i += 1;
        }
        if i == es {
            return false;
        }
    }
    i == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn v(s: &str) -> Value {
        resolve_plain(s).unwrap().0
    }

    #[test]
    fn yaml11_scalars() {
        assert_eq!(v("yes"), json!(true));
        assert_eq!(v("Off"), json!(false));
        assert_eq!(v("y"), json!(true));
        assert_eq!(v("0644"), json!(420));
        assert_eq!(v("0x10"), json!(16));
        assert_eq!(v("1_000"), json!(1000));
        assert_eq!(v("0b101"), json!(5));
        assert_eq!(v("-0644"), json!(-420));
        assert_eq!(v("1e3"), json!(1000));
        assert_eq!(v("1.5"), json!(1.5));
        assert_eq!(v("~"), Value::Null);
        assert_eq!(v("0"), json!(0));
        assert_eq!(v("08"), json!(8));
        assert_eq!(v("1.2.3"), json!("1.2.3"));
        assert_eq!(v("9007199254740993"), json!(9007199254740993i64));
        assert_eq!(v("9223372036854775807"), json!(i64::MAX));
        assert_eq!(v("18446744073709551615"), json!(u64::MAX));
        assert_eq!(v("-9223372036854775808"), json!(i64::MIN));
    }

    #[test]
    fn yaml12_differences_are_flagged() {
        let flag = |s: &str| resolve_plain(s).unwrap().1.is_some();
        assert!(flag("yes") && flag("on") && flag("0644") && flag("1_000") && flag("0b1"));
        assert!(!flag("true") && !flag("0x10") && !flag("42") && !flag("1e3") && !flag("abc"));
    }
}
