//! `-o yaml`: YAML exactly as kubectl prints it.
//!
//! kubectl marshals objects with sigs.k8s.io/yaml, i.e. go-yaml v2's emitter: keys sorted
//! by go-yaml's "natural" order, two-space indentation, sequences inside mappings not
//! indented, strings quoted when a YAML 1.1 reader would take them for something else,
//! multi-line strings as literal blocks, long lines folded at 80 columns. This module
//! reproduces that emitter's decisions for JSON values.

use serde_json::Value;
use std::cmp::Ordering;

/// go-yaml's preferred line width.
const BEST_WIDTH: usize = 80;
/// go-yaml's limit for a simple (`key: value`) key.
const SIMPLE_KEY_MAX: usize = 128;

/// Renders `v` as kubectl's `-o yaml` does (ends with a newline).
pub fn to_yaml(v: &Value) -> String {
    let mut out = Out::default();
    match v {
        Value::Object(m) if !m.is_empty() => out.mapping(m, 0),
        Value::Array(a) if !a.is_empty() => out.sequence(a, 0),
        other => out.scalar_value(other, 0),
    }
    out.buf.push('\n');
    out.buf
}

/// Sorts mapping keys as go-yaml v2 does (runs of digits compare as numbers, letters sort
/// after other characters).
pub fn key_order(a: &str, b: &str) -> Ordering {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl { Ordering::Less } else { Ordering::Greater };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

/// Merge sort by [`key_order`]. go-yaml's order is not a strict total order for every
/// input (leading zeros, mixed digit runs), which `slice::sort_by` may reject with a panic;
/// a hand-written merge sort accepts any comparison.
fn sort_keys(keys: &mut Vec<&String>) {
    if keys.len() <= 1 {
        return;
    }
    let mut right = keys.split_off(keys.len() / 2);
    sort_keys(keys);
    sort_keys(&mut right);
    let left = std::mem::take(keys);
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if key_order(right[j], left[i]) == Ordering::Less {
            keys.push(right[j]);
            j += 1;
        } else {
            keys.push(left[i]);
            i += 1;
        }
    }
    keys.extend_from_slice(&left[i..]);
    keys.extend_from_slice(&right[j..]);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

#[derive(Debug, Default)]
struct Out {
    buf: String,
    column: usize,
}

impl Out {
    fn put(&mut self, c: char) {
        self.buf.push(c);
        if c == '\n' {
            self.column = 0;
        } else {
            self.column += 1;
        }
    }

    fn put_str(&mut self, s: &str) {
        for c in s.chars() {
            self.put(c);
        }
    }

    fn newline_indent(&mut self, indent: usize) {
        self.put('\n');
        for _ in 0..indent {
            self.put(' ');
        }
    }

    /// A block mapping whose keys sit at `indent`; the first key goes where the cursor is.
    fn mapping(&mut self, m: &serde_json::Map<String, Value>, indent: usize) {
        let mut keys: Vec<&String> = m.keys().collect();
        sort_keys(&mut keys);
        for (n, key) in keys.into_iter().enumerate() {
            if n > 0 {
                self.newline_indent(indent);
            }
            let value = &m[key];
            if key.chars().count() <= SIMPLE_KEY_MAX && !has_break(key) {
                self.string(key, indent, true);
                self.put(':');
            } else {
                self.put_str("? ");
                self.string(key, indent + 2, false);
                self.newline_indent(indent);
                self.put(':');
            }
            self.value_after_indicator(value, indent, true);
        }
    }

    /// A block sequence whose `-` sit at `indent`; the first goes where the cursor is.
    fn sequence(&mut self, a: &[Value], indent: usize) {
        for (n, item) in a.iter().enumerate() {
            if n > 0 {
                self.newline_indent(indent);
            }
            self.put('-');
            self.value_after_indicator(item, indent, false);
        }
    }

    /// The node after `key:` (`in_mapping`) or `-`, whose indicator sits at `indent`.
    fn value_after_indicator(&mut self, v: &Value, indent: usize, in_mapping: bool) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                if in_mapping {
                    self.newline_indent(indent + 2);
                    self.mapping(m, indent + 2);
                } else {
                    self.put(' ');
                    self.mapping(m, indent + 2);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                if in_mapping {
                    self.newline_indent(indent);
                    self.sequence(a, indent);
                } else {
                    self.put(' ');
                    self.sequence(a, indent + 2);
                }
            }
            other => {
                self.put(' ');
                self.scalar_value(other, indent + 2);
            }
        }
    }

    /// A scalar (or empty collection) whose continuation lines are indented by `indent`.
    fn scalar_value(&mut self, v: &Value, indent: usize) {
        match v {
            Value::Null => self.put_str("null"),
            Value::Bool(b) => self.put_str(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                let s = number(n);
                self.put_str(&s);
            }
            Value::String(s) => self.string(s, indent, false),
            Value::Array(_) => self.put_str("[]"),
            Value::Object(_) => self.put_str("{}"),
        }
    }

    fn string(&mut self, s: &str, indent: usize, simple_key: bool) {
        match style(s, simple_key) {
            Style::Plain => self.plain(s, indent, !simple_key),
            Style::Single => self.single(s, indent, !simple_key),
            Style::Double => self.double(s, indent, !simple_key),
            Style::Literal => self.literal(s, indent),
        }
    }

    fn plain(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.newline_indent(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
    }

    fn single(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = s.chars().collect();
        self.put('\'');
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < chars.len() - 1
                    && !next_space
                {
                    self.newline_indent(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                spaces = false;
            }
        }
        self.put('\'');
    }

    fn double(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let chars: Vec<char> = s.chars().collect();
        self.put('"');
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    c => {
                        let v = c as u32;
                        let s = if v <= 0xff {
                            format!("x{v:02X}")
                        } else if v <= 0xffff {
                            format!("u{v:04X}")
                        } else {
                            format!("U{v:08X}")
                        };
                        self.put_str(&s);
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != chars.len() - 1
                {
                    self.newline_indent(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.put('"');
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.put('|');
        let chars: Vec<char> = s.chars().collect();
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.put('2');
        }
        match chars.last() {
            None => self.put('-'),
            Some(&last) if !is_break(last) => self.put('-'),
            Some(_) if chars.len() == 1 => self.put('+'),
            Some(_) => {
                if is_break(chars[chars.len() - 2]) {
                    self.put('+');
                }
            }
        }
        self.put('\n');
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                if c == '\n' {
                    self.put('\n');
                } else {
                    self.buf.push(c);
                    self.column = 0;
                }
                breaks = true;
            } else {
                if breaks {
                    for _ in 0..indent {
                        self.put(' ');
                    }
                    breaks = false;
                }
                self.put(c);
            }
        }
        // The emitter ends the line itself when the value ends with a break.
        if self.buf.ends_with('\n') {
            self.buf.pop();
        }
    }
}

/// Go's formatting of a JSON number read back by go-yaml: integers as integers, floats with
/// `strconv.FormatFloat(f, 'g', -1, 64)`.
fn number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        return (f as i64).to_string();
    }
    go_format_g(f)
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`.
fn go_format_g(f: f64) -> String {
    let e = format!("{f:e}"); // shortest digits, e.g. "1.2345e6"
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    } else {
        f.to_string()
    }
}

fn has_break(s: &str) -> bool {
    s.chars().any(is_break)
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's printable set (with unicode output enabled).
fn printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        && c != '\u{feff}'
}

/// Whether go-yaml v2 would read the plain text `s` as something other than a string.
fn resolves_to_non_string(s: &str) -> bool {
    if s == "<<" || is_base60_float(s) || is_timestamp(s) {
        return true;
    }
    !matches!(crate::manifest::resolve_plain_scalar(s), Some(Value::String(_)))
}

/// go-yaml's `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let digits = &b[start..i];
        let ok = match digits.len() {
            1 => true,
            2 => digits[0] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml v2's timestamp forms: `2006-1-2`, `2006-1-2 15:4:5.999999999`,
/// `2006-1-2T15:4:5.999999999Z07:00` (also with a lowercase `t`).
fn is_timestamp(s: &str) -> bool {
    fn num(b: &[u8], i: &mut usize, min: usize, max: usize) -> Option<u32> {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - start < max {
            *i += 1;
        }
        if *i - start < min {
            return None;
        }
        std::str::from_utf8(&b[start..*i]).ok()?.parse().ok()
    }
    let b = s.as_bytes();
    let mut i = 0;
    let ok = (|| {
        let _y = num(b, &mut i, 4, 4)?;
        (b.get(i) == Some(&b'-')).then_some(())?;
        i += 1;
        let m = num(b, &mut i, 1, 2)?;
        (b.get(i) == Some(&b'-')).then_some(())?;
        i += 1;
        let d = num(b, &mut i, 1, 2)?;
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return None;
        }
        if i == b.len() {
            return Some(());
        }
        let zoned = match b[i] {
            b'T' | b't' => true,
            b' ' => false,
            _ => return None,
        };
        i += 1;
        let h = num(b, &mut i, 1, 2)?;
        (b.get(i) == Some(&b':')).then_some(())?;
        i += 1;
        let mi = num(b, &mut i, 1, 2)?;
        (b.get(i) == Some(&b':')).then_some(())?;
        i += 1;
        let se = num(b, &mut i, 1, 2)?;
        if h > 23 || mi > 59 || se > 59 {
            return None;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            num(b, &mut i, 1, 9)?;
        }
        if !zoned {
            return (i == b.len()).then_some(());
        }
        match b.get(i) {
            Some(b'Z') => {
                i += 1;
            }
            Some(b'+') | Some(b'-') => {
                i += 1;
                let zh = num(b, &mut i, 2, 2)?;
                (b.get(i) == Some(&b':')).then_some(())?;
                i += 1;
                let zm = num(b, &mut i, 2, 2)?;
                if zh > 23 || zm > 59 {
                    return None;
                }
            }
            _ => return None,
        }
        (i == b.len()).then_some(())
    })();
    ok.is_some()
}

/// The style go-yaml v2 picks for the string `s`.
fn style(s: &str, simple_key: bool) -> Style {
    let requested = if has_break(s) {
        Style::Literal
    } else if !resolves_to_non_string(s) {
        Style::Plain
    } else {
        Style::Double
    };
    let a = analyze(s);
    let mut style = requested;
    if simple_key && a.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && simple_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_quoted_allowed {
        style = Style::Double;
    }
    // Line breaks other than LF in a literal block are not read back as breaks by YAML 1.2
    // readers; escape them instead.
    let odd_break = s.chars().any(|c| is_break(c) && c != '\n');
    if style == Style::Literal && (!a.block_allowed || simple_key || odd_break) {
        style = Style::Double;
    }
    style
}

struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// libyaml's `yaml_emitter_analyze_scalar`, for block context.
fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_ws = true;
    let blank = |c: char| c == ' ' || c == '\t';
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = chars.get(i + 1).is_none_or(|&n| blank(n) || is_break(n));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        if !printable(c) {
            special = true;
        }
        let last = i + 1 == chars.len();
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_ws = blank(c) || is_break(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn y(v: Value) -> String {
        to_yaml(&v)
    }

    #[test]
    fn quotes_what_yaml11_would_misread() {
        let v = json!({"a": "yes", "b": "0644", "c": "1e3", "d": "null", "e": "~", "f": "",
            "g": "123", "h": "on", "i": "true", "j": "0x10", "k": "1_000", "l": ".5",
            "m": "2026-11-26T14:25:57Z", "n": "1:20", "o": "<<", "p": "y", "q": ".inf",
            "r": "plain text", "s": "1.2.3", "t": "v1.25", "u": "-", "w": "-x", "x": "2026-11-26"});
        let want = r#"a: "yes"
b: "0644"
c: "1e3"
d: "null"
e: "~"
f: ""
g: "123"
h: "on"
i: "true"
j: "0x10"
k: "1_000"
l: ".5"
m: "2026-11-26T14:25:57Z"
"n": "1:20"
o: "<<"
p: "y"
q: ".inf"
r: plain text
s: 1.2.3
t: v1.25
u: '-'
w: -x
x: "2026-11-26"
"#;
        assert_eq!(y(v), want);
    }

    #[test]
    fn indicators_and_spaces() {
        let v = json!({"a": "key: value", "b": "has # comment", "c": " leading", "d": "trailing ",
            "e": "#start", "f": "a#b", "g": "it's", "h": "'q'", "i": "tab\there", "j": "*star",
            "k": "x:y", "l": "emoji \u{1F600}", "m": "quote\"d", "n": "[x]", "o": "@at",
            "p": "x: ", "q": "a:b c", "r": "é ü", "yes": 1});
        let want = r#"a: 'key: value'
b: 'has # comment'
c: ' leading'
d: 'trailing '
e: '#start'
f: a#b
g: it's
h: '''q'''
i: "tab\there"
j: '*star'
k: x:y
l: "emoji \U0001F600"
m: quote"d
"n": '[x]'
o: '@at'
p: 'x: '
q: a:b c
r: é ü
"yes": 1
"#;
        assert_eq!(y(v), want);
    }

    #[test]
    fn multi_line_strings() {
        let v = json!({"a": "line1\nline2\n", "b": "line1\nline2", "c": "x\n\n", "d": "\n",
            "e": " indented\nnext", "f": "trailing \nspace", "g": "a\n\nb\n", "h": "end \n"});
        let want = "a: |\n  line1\n  line2\nb: |-\n  line1\n  line2\nc: |+\n  x\n\nd: |2+\n\n\
                    e: |2-\n   indented\n  next\nf: \"trailing \\nspace\"\ng: |\n  a\n\n  b\n\
                    h: \"end \\n\"\n";
        assert_eq!(y(v), want);
        let v = json!({"spec": {"script": "echo hi\n"}, "list": ["a\nb\n"]});
        assert_eq!(y(v), "list:\n- |\n  a\n  b\nspec:\n  script: |\n    echo hi\n");
    }

    #[test]
    fn nested_lists_of_maps_and_empties() {
        let v = json!({
            "apiVersion": "v1",
            "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80}], "env": []},
                                    {"name": "b", "resources": {}}],
                     "matrix": [[1, 2], [], [{}]]},
            "empty": {}, "none": [], "n": null, "t": true, "f": 1.5, "big": 9223372036854775807u64,
            "huge": 18446744073709551615u64, "whole": 2.0, "small": 0.00001, "large": 1234567.5
        });
        let want = r#"apiVersion: v1
big: 9223372036854775807
empty: {}
f: 1.5
huge: 18446744073709551615
large: 1.2345675e+06
"n": null
none: []
small: 1e-05
spec:
  containers:
  - env: []
    name: a
    ports:
    - containerPort: 80
  - name: b
    resources: {}
  matrix:
  - - 1
    - 2
  - []
  - - {}
t: true
whole: 2
"#;
        assert_eq!(y(v), want);
        assert_eq!(y(json!({})), "{}\n");
        assert_eq!(y(json!([])), "[]\n");
        assert_eq!(y(json!([{"a": 1, "b": [1]}])), "- a: 1\n  b:\n  - 1\n");
    }

    #[test]
    fn go_yaml_key_order() {
        let v = json!({"a10": 1, "a9": 2, "B": 3, "_x": 4, "a": 5, "a-b": 6, "ab": 7, "Z": 8});
        // Letters compare by code point (upper case first), other characters sort before
        // letters, digit runs compare as numbers; `y`/`n` keys are quoted.
        assert_eq!(y(v), "_x: 4\nB: 3\nZ: 8\na: 5\na-b: 6\na9: 2\na10: 1\nab: 7\n");
    }

    #[test]
    fn long_lines_fold_at_80_columns() {
        let words = vec!["word"; 30].join(" ");
        let out = y(json!({ "description": words }));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2, "{out}");
        assert!(lines[0].len() > 80 && lines[0].len() <= 86, "{out}");
        assert!(lines[1].starts_with("  word"), "{out}");
        // Folded text reads back as the same string.
        let (m, _) = crate::manifest::decode(
            "x",
            format!("apiVersion: v1\nkind: A\nmetadata: {{name: a}}\n{out}").as_bytes(),
        )
        .unwrap();
        assert_eq!(m[0].object["description"], json!(words));
        let long_key = "k".repeat(129);
        let out = y(json!({ long_key.clone(): "v" }));
        assert_eq!(out, format!("? {long_key}\n: v\n"));
    }

    #[test]
    fn matches_kubectl_transcript() {
        let v = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"a\":1}\n"},
            "creationTimestamp": "2026-11-26T14:25:57Z", "generation": 3, "labels": {"app": "nginx"},
            "name": "nginx", "resourceVersion": "1007"},
            "spec": {"strategy": {"rollingUpdate": {"maxSurge": "25%"}}, "template": {"metadata": {"creationTimestamp": null},
            "spec": {"containers": [{"image": "nginx:1.25", "name": "nginx", "resources": {},
            "terminationMessagePath": "/dev/termination-log"}]}}}});
        let want = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"a":1}
  creationTimestamp: "2026-11-26T14:25:57Z"
  generation: 3
  labels:
    app: nginx
  name: nginx
  resourceVersion: "1007"
spec:
  strategy:
    rollingUpdate:
      maxSurge: 25%
  template:
    metadata:
      creationTimestamp: null
    spec:
      containers:
      - image: nginx:1.25
        name: nginx
        resources: {}
        terminationMessagePath: /dev/termination-log
"#;
        assert_eq!(y(v), want);
    }

    /// `-o yaml` outputs recorded from kubectl read back and print byte-identically.
    #[test]
    fn kubectl_outputs_round_trip() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/manifests/kubectl-yaml-output");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let v: Value = serde_saphyr::from_str(&text).unwrap();
            assert_eq!(to_yaml(&v), text, "{}", path.display());
            n += 1;
        }
        assert!(n >= 5);
    }

    /// Whatever is printed reads back (with kubectl's YAML 1.1 rules) as the same value.
    #[test]
    fn tricky_strings_round_trip() {
        let strings = [
            "yes",
            "No",
            "0644",
            "0x1F",
            "1_0",
            "1e3",
            "-1",
            "+1",
            ".5",
            "5.",
            "null",
            "~",
            "",
            " ",
            "  ",
            "-",
            "- a",
            "--- x",
            "...",
            "? x",
            ":",
            "a:",
            "a :b",
            "#",
            "a #b",
            "a# b",
            "{",
            "}",
            "[",
            "]",
            ",",
            "&a",
            "*a",
            "!t",
            "|",
            ">",
            "'",
            "\"",
            "%",
            "@",
            "`",
            "\t",
            "a\tb",
            "\u{1}",
            "\u{7f}",
            "\u{85}",
            "\u{a0}",
            "\u{2028}",
            "\u{feff}x",
            "é",
            "\u{1F600}",
            "a\r\nb",
            "\n",
            "\n\n",
            "a\n",
            "a\n\n",
            " a\nb",
            "a \nb",
            "a\n b",
            "a\n\n b\n",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "12:30",
            "1:2:3",
            "<<",
            "=",
            ".inf",
            ".NaN",
            "0b11",
            "0o17",
            "08",
            "1.2.3",
        ];
        let long_words = vec!["ab"; 100].join(" ");
        let long_word = "x".repeat(200);
        let long_double = format!("yes{}", " x".repeat(100));
        let long_spaces = format!("{}  {}", "a".repeat(85), "b  c".repeat(30));
        let mut m = serde_json::Map::new();
        for (i, s) in strings
            .iter()
            .copied()
            .chain([
                long_words.as_str(),
                long_word.as_str(),
                long_double.as_str(),
                long_spaces.as_str(),
            ])
            .enumerate()
        {
            m.insert(format!("k{i}"), json!(s));
            m.insert(s.to_string(), json!(i));
        }
        m.insert("list".into(), json!(strings.to_vec()));
        let v = json!({"apiVersion": "v1", "kind": "A", "metadata": {"name": "a"}, "data": m});
        let out = to_yaml(&v);
        let (back, _) = crate::manifest::decode("out.yaml", out.as_bytes())
            .unwrap_or_else(|e| panic!("{e}\n{out}"));
        assert_eq!(back[0].object, v, "{out}");
    }
}
