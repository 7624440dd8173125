//! Value helpers shared by creation, application and normalization: Go's `%v` text of a
//! scalar (the sort key of merging lists), a total order on JSON values for indexing, the
//! element "type" of a list as Go's decoder would see it, and Go's scalar dedup.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

/// Go's `fmt.Sprintf("%v", v)` for a decoded JSON value.
pub(crate) fn sort_key(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed("<nil>"),
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Value::Number(n) => Cow::Owned(go_number(n)),
        Value::Array(a) => {
            let parts: Vec<Cow<'_, str>> = a.iter().map(sort_key).collect();
            Cow::Owned(format!("[{}]", parts.join(" ")))
        }
        Value::Object(m) => {
            let parts: Vec<String> =
                m.iter().map(|(k, v)| format!("{k}:{}", sort_key(v))).collect();
            Cow::Owned(format!("map[{}]", parts.join(" ")))
        }
    }
}

/// Go's `%v` of an int64 or float64 (`%g` with the shortest precision, exponent from 21).
fn go_number(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let exp = if f == 0.0 { 0 } else { f.abs().log10().floor() as i32 };
    if (-4..21).contains(&exp) {
        return format!("{f}");
    }
    let s = format!("{f:e}");
    match s.split_once('e') {
        Some((mantissa, e)) => {
            let (sign, digits) = e.strip_prefix('-').map_or(("+", e), |d| ("-", d));
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

/// Sorts scalars by their `%v` text (stable).
pub(crate) fn sort_scalars(v: &mut [Value]) {
    v.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
}

/// Go's `deduplicateScalars`: removes later duplicates by moving the last element into
/// their place, which reorders the list exactly as upstream does.
pub(crate) fn dedup_scalars(mut s: Vec<Value>) -> Vec<Value> {
    let mut i = 0;
    while i + 1 < s.len() {
        let mut j = i + 1;
        while j < s.len() {
            if s[i] == s[j] {
                let last = s.len() - 1;
                s.swap(j, last);
                s.truncate(last);
            } else {
                j += 1;
            }
        }
        i += 1;
    }
    s
}

/// The element type of a list as Go's decoder types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `map[string]interface{}`
    Map,
    /// `[]interface{}`
    Slice,
    /// `string`
    String,
    /// `int64`
    Int,
    /// `float64`
    Float,
    /// `bool`
    Bool,
    /// `nil`
    Null,
}

/// The Go type of one value.
pub(crate) fn kind(v: &Value) -> Kind {
    match v {
        Value::Object(_) => Kind::Map,
        Value::Array(_) => Kind::Slice,
        Value::String(_) => Kind::String,
        Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Int,
        Value::Number(_) => Kind::Float,
        Value::Bool(_) => Kind::Bool,
        Value::Null => Kind::Null,
    }
}

/// Why the elements of some lists have no common type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KindError {
    /// A list holds lists.
    ListOfLists,
    /// Elements of different types.
    Mixed,
    /// No elements at all.
    Empty,
}

impl KindError {
    /// Upstream's wording.
    pub(crate) fn message(self) -> &'static str {
        match self {
            KindError::ListOfLists => "lists of lists are not supported",
            KindError::Mixed => "list element types are not identical",
            KindError::Empty => "no elements in any of the given slices",
        }
    }
}

/// Go's `sliceElementType`: the common element type of all given lists.
pub(crate) fn element_kind(lists: &[&[Value]]) -> Result<Kind, KindError> {
    let mut found = None;
    for v in lists.iter().flat_map(|l| l.iter()) {
        let k = kind(v);
        match found {
            None if k == Kind::Slice => return Err(KindError::ListOfLists),
            None => found = Some(k),
            Some(prev) if prev != k => return Err(KindError::Mixed),
            Some(_) => {}
        }
    }
    found.ok_or(KindError::Empty)
}

/// A total order on JSON values, consistent with `==`.
pub(crate) fn cmp_values(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => cmp_numbers(x, y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => cmp_iter(x.iter(), y.iter(), cmp_values),
        (Value::Object(x), Value::Object(y)) => {
            cmp_iter(x.iter(), y.iter(), |(ka, va), (kb, vb)| {
                ka.cmp(kb).then_with(|| cmp_values(va, vb))
            })
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

fn cmp_numbers(x: &Number, y: &Number) -> Ordering {
    let int = |n: &Number| n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
    match (int(x), int(y)) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => {
            let (a, b) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            a.partial_cmp(&b).unwrap_or(Ordering::Equal)
        }
    }
}

fn cmp_iter<T>(
    mut a: impl Iterator<Item = T>,
    mut b: impl Iterator<Item = T>,
    f: impl Fn(T, T) -> Ordering,
) -> Ordering {
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => match f(x, y) {
                Ordering::Equal => {}
                other => return other,
            },
        }
    }
}

/// A JSON value usable as an ordered-map key.
#[derive(Debug, Clone)]
pub(crate) struct VKey<'a>(pub(crate) Cow<'a, Value>);

impl PartialEq for VKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        cmp_values(&self.0, &other.0) == Ordering::Equal
    }
}
impl Eq for VKey<'_> {}
impl PartialOrd for VKey<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for VKey<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_values(&self.0, &other.0)
    }
}

/// The value a list element is identified by: its merge key value for maps (`null` when
/// missing or not a map), the element itself otherwise (Go's `index` helper).
pub(crate) fn identity<'v>(item: &'v Value, merge_key: &str, kind: Kind) -> &'v Value {
    const NULL: &Value = &Value::Null;
    match kind {
        Kind::Map => item.as_object().and_then(|m| m.get(merge_key)).unwrap_or(NULL),
        _ => item,
    }
}

/// First position of each identity in a list of identities.
pub(crate) fn positions(ids: &[Value]) -> BTreeMap<VKey<'_>, usize> {
    let mut out = BTreeMap::new();
    for (i, id) in ids.iter().enumerate() {
        out.entry(VKey(Cow::Borrowed(id))).or_insert(i);
    }
    out
}

/// Position of `item` (by its identity) in a [`positions`] index.
pub(crate) fn position(
    index: &BTreeMap<VKey<'_>, usize>,
    item: &Value,
    merge_key: &str,
    kind: Kind,
) -> Option<usize> {
    index.get(&VKey(Cow::Borrowed(identity(item, merge_key, kind)))).copied()
}

/// An object from one key/value pair.
pub(crate) fn object1(key: &str, value: Value) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(key.to_owned(), value);
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_text_of_scalars() {
        assert_eq!(sort_key(&json!("a")), "a");
        assert_eq!(sort_key(&json!(10)), "10");
        assert_eq!(sort_key(&json!(-3)), "-3");
        assert_eq!(sort_key(&json!(1.5)), "1.5");
        assert_eq!(sort_key(&json!(1e21)), "1e+21");
        assert_eq!(sort_key(&json!(null)), "<nil>");
        assert_eq!(sort_key(&json!(true)), "true");
    }

    #[test]
    fn dedup_like_go() {
        let v = dedup_scalars(vec![json!("a"), json!("a"), json!("b"), json!("c")]);
        assert_eq!(v, vec![json!("a"), json!("c"), json!("b")]);
    }

    #[test]
    fn element_kinds() {
        assert_eq!(element_kind(&[&[json!(1)], &[json!(2)]]), Ok(Kind::Int));
        assert_eq!(element_kind(&[&[json!(1)], &[json!("x")]]), Err(KindError::Mixed));
        assert_eq!(element_kind(&[&[json!([1])]]), Err(KindError::ListOfLists));
        assert_eq!(element_kind(&[&[], &[]]), Err(KindError::Empty));
    }
}
