//! kubectl's JSONPath: the template language of `-o jsonpath=…`, `-o jsonpath-as-json=…`,
//! `custom-columns` and `--sort-by`. Supports literal text, `{.a.b}`, `{.items[*].x}`,
//! `[n]`, `[-n]`, `[a:b:s]`, `[*]`, `['key']`, `..` recursive descent, filters
//! `[?(@.x == "y")]` (`==`, `!=`, `<`, `<=`, `>`, `>=`, or existence), `{range …}{end}` and
//! string literals such as `{"\n"}`; missing keys yield nothing, as kubectl allows them.
//! Values print as kubectl prints them: strings bare, maps and lists as compact Go JSON,
//! several results separated by one space.

use serde_json::Value;
use std::fmt::Write as _;

/// A template that could not be parsed or executed, with kubectl's wording.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonPathError {
    /// The template text is malformed.
    #[error("{0}")]
    Parse(String),
    /// The template did not fit the object (index out of range, non-list indexed, …).
    #[error("{0}")]
    Exec(String),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    source: String,
    nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    AllFields,
    Recursive,
    Slice { start: Option<i64>, end: Option<i64>, step: Option<i64>, single: bool },
    Keys(Vec<String>),
    Filter(Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Path(Vec<Step>),
    Literal(Value),
}

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    left: Operand,
    op: Option<(String, Operand)>,
}

impl JsonPath {
    /// Parses a template such as `{.metadata.name}` or `{range .items[*]}{.x}{"\n"}{end}`.
    pub fn parse(template: &str) -> Result<JsonPath, JsonPathError> {
        let mut p = Parser { s: template.chars().collect(), i: 0 };
        let mut stack: Vec<(Vec<Step>, Vec<Node>)> = Vec::new();
        let mut cur: Vec<Node> = Vec::new();
        while p.i < p.s.len() {
            if p.peek() == Some('{') {
                p.i += 1;
                let close = p.find_close().ok_or_else(|| parse_err("unclosed action"))?;
                let inner: String = p.s[p.i..close].iter().collect();
                p.i = close + 1;
                let inner = inner.trim();
                if inner == "end" {
                    let (steps, outer) =
                        stack.pop().ok_or_else(|| parse_err("not in range, nothing to end"))?;
                    let body = std::mem::replace(&mut cur, outer);
                    cur.push(Node::Range(steps, body));
                } else if let Some(rest) = inner.strip_prefix("range") {
                    if !rest.starts_with([' ', '\t', '\n']) && !rest.is_empty() {
                        cur.extend(parse_action(inner)?);
                        continue;
                    }
                    let steps = parse_path(rest.trim())?;
                    stack.push((steps, std::mem::take(&mut cur)));
                } else {
                    cur.extend(parse_action(inner)?);
                }
            } else {
                let start = p.i;
                while p.i < p.s.len() && p.s[p.i] != '{' {
                    p.i += 1;
                }
                cur.push(Node::Text(p.s[start..p.i].iter().collect()));
            }
        }
        if !stack.is_empty() {
            return Err(parse_err("unclosed range"));
        }
        Ok(JsonPath { source: template.to_string(), nodes: cur })
    }

    /// Parses kubectl's relaxed form used by `custom-columns` and `--sort-by`: `.a.b`,
    /// `a.b` or `{.a.b}` all mean `{.a.b}`.
    pub fn parse_relaxed(expr: &str) -> Result<JsonPath, JsonPathError> {
        JsonPath::parse(&relaxed(expr)?)
    }

    /// The template text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every result group: one per action (literal text included), each with its values.
    pub fn find_results(&self, data: &Value) -> Result<Vec<Vec<Value>>, JsonPathError> {
        let mut out = Vec::new();
        walk(&self.nodes, data, &mut out)?;
        Ok(out)
    }

    /// kubectl's `-o jsonpath` text: values of one action joined by spaces, actions
    /// concatenated.
    pub fn render(&self, data: &Value) -> Result<String, JsonPathError> {
        let mut s = String::new();
        for group in self.find_results(data)? {
            let texts: Vec<String> = group.iter().map(text_of).collect();
            s.push_str(&texts.join(" "));
        }
        Ok(s)
    }

    /// kubectl's `-o jsonpath-as-json`: every value of every action in one indented array.
    pub fn render_json(&self, data: &Value) -> Result<String, JsonPathError> {
        let all: Vec<Value> = self.find_results(data)?.into_iter().flatten().collect();
        Ok(super::json::to_json(&Value::Array(all)))
    }
}

/// kubectl's `RelaxedJSONPathExpression`.
pub fn relaxed(expr: &str) -> Result<String, JsonPathError> {
    let e = expr.trim();
    if e.is_empty() {
        return Ok(String::new());
    }
    let inner = match e.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}').ok_or_else(|| {
            JsonPathError::Parse(format!(
                "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{{name1.name2}}' or '{{.name1.name2}}'"
            ))
        })?,
        None => e,
    };
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    Ok(format!("{{.{inner}}}"))
}

fn parse_err(m: &str) -> JsonPathError {
    JsonPathError::Parse(m.to_string())
}

struct Parser {
    s: Vec<char>,
    i: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    /// The index of the `}` closing the action that starts at `self.i`, skipping quoted text.
    fn find_close(&self) -> Option<usize> {
        let mut j = self.i;
        let mut quote: Option<char> = None;
        while j < self.s.len() {
            let c = self.s[j];
            match quote {
                Some(q) => {
                    if c == '\\' {
                        j += 1;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '"' | '\'' => quote = Some(c),
                    '}' => return Some(j),
                    _ => {}
                },
            }
            j += 1;
        }
        None
    }
}

/// One `{…}` action: a string literal, or one or more space-separated paths.
fn parse_action(inner: &str) -> Result<Vec<Node>, JsonPathError> {
    let mut nodes = Vec::new();
    let chars: Vec<char> = inner.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '"' || c == '\'' {
            let (lit, next) = read_quoted(&chars, i)?;
            nodes.push(Node::Text(lit));
            i = next;
            continue;
        }
        // A path runs until whitespace outside brackets.
        let start = i;
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        while i < chars.len() {
            let c = chars[i];
            if let Some(q) = quote {
                if c == '\\' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            } else if c == '"' || c == '\'' {
                quote = Some(c);
            } else if c == '[' {
                depth += 1;
            } else if c == ']' {
                depth = depth.saturating_sub(1);
            } else if c.is_whitespace() && depth == 0 {
                break;
            }
            i += 1;
        }
        let text: String = chars[start..i].iter().collect();
        nodes.push(Node::Path(parse_path(&text)?));
    }
    Ok(nodes)
}

fn read_quoted(chars: &[char], at: usize) -> Result<(String, usize), JsonPathError> {
    let q = chars[at];
    let mut out = String::new();
    let mut i = at + 1;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let e = chars[i + 1];
            out.push(match e {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                other => other,
            });
            i += 2;
            continue;
        }
        if c == q {
            return Ok((out, i + 1));
        }
        out.push(c);
        i += 1;
    }
    Err(parse_err("unterminated quoted string"))
}

fn parse_path(text: &str) -> Result<Vec<Step>, JsonPathError> {
    let chars: Vec<char> = text.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    if chars.first() == Some(&'@') || chars.first() == Some(&'$') {
        i = 1;
    }
    while i < chars.len() {
        match chars[i] {
            '.' => {
                if chars.get(i + 1) == Some(&'.') {
                    steps.push(Step::Recursive);
                    i += 2;
                } else {
                    i += 1;
                }
                if chars.get(i) == Some(&'*') {
                    steps.push(Step::AllFields);
                    i += 1;
                    continue;
                }
                let mut name = String::new();
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        name.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    name.push(chars[i]);
                    i += 1;
                }
                if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let close =
                    bracket_close(&chars, i).ok_or_else(|| parse_err("unterminated array"))?;
                let inner: String = chars[i + 1..close].iter().collect();
                steps.push(parse_bracket(inner.trim())?);
                i = close + 1;
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut name = String::new();
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    name.push(chars[i]);
                    i += 1;
                }
                if steps.is_empty() && i >= chars.len() {
                    return Err(JsonPathError::Parse(format!("unrecognized identifier {name}")));
                }
                steps.push(Step::Field(name));
            }
            c => {
                return Err(JsonPathError::Parse(format!(
                    "unrecognized character in action: U+{:04X} '{c}'",
                    c as u32
                )));
            }
        }
    }
    Ok(steps)
}

fn bracket_close(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (j, &c) in chars.iter().enumerate().skip(open) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_bracket(inner: &str) -> Result<Step, JsonPathError> {
    if inner == "*" {
        return Ok(Step::Slice { start: None, end: None, step: None, single: false });
    }
    if let Some(f) = inner.strip_prefix('?') {
        let f = f.trim();
        let body = f
            .strip_prefix('(')
            .and_then(|x| x.strip_suffix(')'))
            .ok_or_else(|| JsonPathError::Parse(format!("invalid filter {inner}")))?;
        return Ok(Step::Filter(Box::new(parse_filter(body.trim())?)));
    }
    if inner.starts_with('\'') || inner.starts_with('"') {
        let chars: Vec<char> = inner.chars().collect();
        let mut keys = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == ',' || chars[i].is_whitespace() {
                i += 1;
                continue;
            }
            let (k, next) = read_quoted(&chars, i)?;
            keys.push(k);
            i = next;
        }
        return Ok(Step::Keys(keys));
    }
    let parts: Vec<&str> = inner.split(':').collect();
    if parts.len() > 3 {
        return Err(JsonPathError::Parse(format!("invalid array index {inner}")));
    }
    let num = |s: &str| -> Result<Option<i64>, JsonPathError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<i64>()
            .map(Some)
            .map_err(|_| JsonPathError::Parse(format!("invalid array index {inner}")))
    };
    if parts.len() == 1 {
        let n = num(parts[0])?
            .ok_or_else(|| JsonPathError::Parse(format!("invalid array index {inner}")))?;
        return Ok(Step::Slice { start: Some(n), end: Some(n + 1), step: None, single: true });
    }
    Ok(Step::Slice {
        start: num(parts[0])?,
        end: num(parts[1])?,
        step: match parts.get(2) {
            Some(s) => num(s)?,
            None => None,
        },
        single: false,
    })
}

fn parse_filter(body: &str) -> Result<Filter, JsonPathError> {
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some((l, r)) = split_outside_quotes(body, op) {
            return Ok(Filter {
                left: parse_operand(l.trim())?,
                op: Some((op.to_string(), parse_operand(r.trim())?)),
            });
        }
    }
    Ok(Filter { left: parse_operand(body)?, op: None })
}

fn split_outside_quotes<'a>(s: &'a str, op: &str) -> Option<(&'a str, &'a str)> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
            continue;
        }
        if s[i..].starts_with(op) {
            return Some((&s[..i], &s[i + op.len()..]));
        }
    }
    None
}

fn parse_operand(s: &str) -> Result<Operand, JsonPathError> {
    if s.starts_with('@') || s.starts_with('.') || s.starts_with('$') {
        return Ok(Operand::Path(parse_path(s)?));
    }
    if s.starts_with('"') || s.starts_with('\'') {
        let chars: Vec<char> = s.chars().collect();
        let (lit, _) = read_quoted(&chars, 0)?;
        return Ok(Operand::Literal(Value::String(lit)));
    }
    if s == "true" || s == "false" {
        return Ok(Operand::Literal(Value::Bool(s == "true")));
    }
    if let Ok(i) = s.parse::<i64>() {
        return Ok(Operand::Literal(Value::from(i)));
    }
    if let Ok(f) = s.parse::<f64>() {
        return Ok(Operand::Literal(
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        ));
    }
    Err(JsonPathError::Parse(format!("unrecognized identifier {s}")))
}

fn walk(nodes: &[Node], data: &Value, out: &mut Vec<Vec<Value>>) -> Result<(), JsonPathError> {
    for node in nodes {
        match node {
            Node::Text(t) => out.push(vec![Value::String(t.clone())]),
            Node::Path(steps) => out.push(eval(steps, vec![data.clone()])?),
            Node::Range(steps, body) => {
                for item in eval(steps, vec![data.clone()])? {
                    walk(body, &item, out)?;
                }
            }
        }
    }
    Ok(())
}

fn eval(steps: &[Step], mut cur: Vec<Value>) -> Result<Vec<Value>, JsonPathError> {
    for step in steps {
        let mut next = Vec::new();
        match step {
            Step::Field(name) => {
                for v in &cur {
                    if let Some(x) = v.as_object().and_then(|m| m.get(name)) {
                        next.push(x.clone());
                    }
                }
            }
            Step::Keys(keys) => {
                for v in &cur {
                    for k in keys {
                        if let Some(x) = v.as_object().and_then(|m| m.get(k)) {
                            next.push(x.clone());
                        }
                    }
                }
            }
            Step::AllFields => {
                for v in &cur {
                    match v {
                        Value::Object(m) => next.extend(m.values().cloned()),
                        Value::Array(a) => next.extend(a.iter().cloned()),
                        _ => {}
                    }
                }
            }
            Step::Recursive => {
                for v in &cur {
                    descend(v, &mut next);
                }
            }
            Step::Slice { start, end, step, single } => {
                for v in &cur {
                    let Value::Array(a) = v else {
                        if *single || start.is_some() || end.is_some() {
                            return Err(JsonPathError::Exec(format!(
                                "{} is not array or slice",
                                go_type(v)
                            )));
                        }
                        // `[*]` on a map yields its values.
                        if let Value::Object(m) = v {
                            next.extend(m.values().cloned());
                        }
                        continue;
                    };
                    next.extend(slice(a, *start, *end, *step, *single)?);
                }
            }
            Step::Filter(f) => {
                for v in &cur {
                    let items: Vec<Value> = match v {
                        Value::Array(a) => a.clone(),
                        Value::Object(_) => vec![v.clone()],
                        _ => continue,
                    };
                    for item in items {
                        if filter_matches(f, &item)? {
                            next.push(item);
                        }
                    }
                }
            }
        }
        cur = next;
    }
    Ok(cur)
}

fn descend(v: &Value, out: &mut Vec<Value>) {
    out.push(v.clone());
    match v {
        Value::Object(m) => m.values().for_each(|c| descend(c, out)),
        Value::Array(a) => a.iter().for_each(|c| descend(c, out)),
        _ => {}
    }
}

fn slice(
    a: &[Value],
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
    single: bool,
) -> Result<Vec<Value>, JsonPathError> {
    let len = a.len() as i64;
    let mut s = start.unwrap_or(0);
    if s < 0 {
        s += len;
    }
    let mut e = end.unwrap_or(len);
    if e < 0 || (single && e == 0) {
        e += len;
    }
    if e == s {
        return Ok(Vec::new());
    }
    if s >= len || s < 0 {
        return Err(JsonPathError::Exec(format!(
            "array index out of bounds: index {s}, length {len}"
        )));
    }
    if e > len || e < 0 {
        return Err(JsonPathError::Exec(format!(
            "array index out of bounds: index {}, length {len}",
            e - 1
        )));
    }
    if s > e {
        return Err(JsonPathError::Exec(format!(
            "starting index {s} is greater than ending index {e}"
        )));
    }
    let step = match step {
        Some(st) if st <= 0 => return Err(JsonPathError::Exec("step must be > 0".into())),
        Some(st) => st as usize,
        None => 1,
    };
    Ok(a[s as usize..e as usize].iter().step_by(step).cloned().collect())
}

fn operand_values(o: &Operand, item: &Value) -> Result<Vec<Value>, JsonPathError> {
    match o {
        Operand::Path(steps) => eval(steps, vec![item.clone()]),
        Operand::Literal(v) => Ok(vec![v.clone()]),
    }
}

fn filter_matches(f: &Filter, item: &Value) -> Result<bool, JsonPathError> {
    let lefts = operand_values(&f.left, item)?;
    let Some((op, right)) = &f.op else {
        return Ok(!lefts.is_empty());
    };
    let rights = operand_values(right, item)?;
    let (Some(l), Some(r)) = (lefts.first(), rights.first()) else {
        return Ok(false);
    };
    if lefts.len() > 1 || rights.len() > 1 {
        return Err(JsonPathError::Exec("can only compare one element at a time".into()));
    }
    let ord = match (l, r) {
        (Value::Number(a), Value::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        _ => None,
    };
    let Some(ord) = ord else {
        return Ok(op == "!=");
    };
    use std::cmp::Ordering::*;
    Ok(match op.as_str() {
        "==" => ord == Equal,
        "!=" => ord != Equal,
        "<" => ord == Less,
        "<=" => ord != Greater,
        ">" => ord == Greater,
        _ => ord != Less,
    })
}

/// How kubectl's JSONPath prints one value: strings bare, maps and lists as compact Go JSON,
/// numbers and booleans as Go prints them, null as `null`.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_number(n),
        Value::Object(_) | Value::Array(_) => crate::object::gojson::to_string(v),
    }
}

/// Go's `fmt.Sprint` of a decoded JSON value: what `custom-columns` prints
/// (`map[a:1 b:2]`, `[x y]`, `<nil>`).
pub fn go_sprint(v: &Value) -> String {
    let mut s = String::new();
    sprint_into(v, &mut s);
    s
}

fn sprint_into(v: &Value, s: &mut String) {
    match v {
        Value::String(x) => s.push_str(x),
        Value::Null => s.push_str("<nil>"),
        Value::Bool(b) => {
            let _ = write!(s, "{b}");
        }
        Value::Number(n) => s.push_str(&go_number(n)),
        Value::Array(a) => {
            s.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                sprint_into(x, s);
            }
            s.push(']');
        }
        Value::Object(m) => {
            s.push_str("map[");
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                s.push_str(k);
                s.push(':');
                sprint_into(x, s);
            }
            s.push(']');
        }
    }
}

fn go_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    go_float(n.as_f64().unwrap_or(0.0))
}

/// Go's `%v` of a float64: shortest digits, exponent form when the decimal exponent is below
/// -4 or at least 6 (`1e+06`).
pub fn go_float(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let e = format!("{f:e}");
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

/// Go's type name of a decoded JSON value, as JSONPath errors name it.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "map[string]interface {}",
        Value::Array(_) => "[]interface {}",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::Null => "interface {}",
    }
}

/// Go's `%#v` of a decoded JSON value, which kubectl prints after a failed template.
pub fn go_repr(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let items: Vec<String> =
                m.iter().map(|(k, x)| format!("{}:{}", go_quote(k), go_repr_inner(x))).collect();
            format!("map[string]interface {{}}{{{}}}", items.join(", "))
        }
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(go_repr_inner).collect();
            format!("[]interface {{}}{{{}}}", items.join(", "))
        }
        Value::String(s) => go_quote(s),
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_number(n),
    }
}

fn go_repr_inner(v: &Value) -> String {
    go_repr(v)
}

fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deploy() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
          "spec": {"replicas": 1, "template": {"metadata": {"creationTimestamp": null},
            "spec": {"containers": [
              {"name": "nginx", "image": "nginx:1.25",
               "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 443, "protocol": "TCP"}]},
              {"name": "side", "image": "busybox"}]}}}})
    }

    fn run(t: &str, v: &Value) -> String {
        JsonPath::parse(t).unwrap().render(v).unwrap()
    }

    #[test]
    fn fields_indexes_and_slices() {
        let d = deploy();
        assert_eq!(
            run(
                "{.spec.template.spec.containers[-1].name}|{.spec.template.spec.containers[0:1].name}|{.spec.replicas}|{.metadata.labels}|{.spec.template.spec.containers[0].ports}|{.missing}|{.spec.template.spec.containers[*].ports[*].containerPort}",
                &d
            ),
            "side|nginx|1|{\"app\":\"nginx\"}|[{\"containerPort\":80,\"protocol\":\"TCP\"},{\"containerPort\":443,\"protocol\":\"TCP\"}]||80 443"
        );
        assert_eq!(
            run("{.metadata.name}x{.spec.paused}y{.spec.template.metadata.creationTimestamp}", &d),
            "nginxxynull"
        );
    }

    #[test]
    fn recursive_filters_and_ranges() {
        let d = deploy();
        assert_eq!(run("{..image}", &d), "nginx:1.25 busybox");
        assert_eq!(
            run("{.spec.template.spec.containers[?(@.name==\"side\")].image}", &d),
            "busybox"
        );
        assert_eq!(run("{.spec.template.spec.containers[?(@.ports)].name}", &d), "nginx");
        let l = json!({"items": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}]});
        assert_eq!(run("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &l), "a\nb\n");
        assert_eq!(run("{.items[*].metadata.name}", &l), "a b");
        assert_eq!(run("{.items[*]['metadata']['name']}", &l), "a b");
    }

    #[test]
    fn errors_and_json_output() {
        assert_eq!(
            JsonPath::parse("{.items[*].metadata.name").unwrap_err().to_string(),
            "unclosed action"
        );
        let e = JsonPath::parse("{.a[?(@.name==side)]}").unwrap_err();
        assert_eq!(e.to_string(), "unrecognized identifier side");
        let l = json!({"items": [{"n": "a"}, {"n": "b"}]});
        let j = JsonPath::parse("{.items[*].n}").unwrap().render_json(&l).unwrap();
        assert_eq!(j, "[\n    \"a\",\n    \"b\"\n]\n");
        assert!(JsonPath::parse("{.items[5]}").unwrap().render(&l).is_err());
    }

    #[test]
    fn go_printing() {
        assert_eq!(
            go_sprint(&json!({"b": [1, "x"], "a": {"c": null}})),
            "map[a:map[c:<nil>] b:[1 x]]"
        );
        assert_eq!(go_float(0.5), "0.5");
        assert_eq!(go_float(1e6), "1e+06");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(relaxed(".metadata.name").unwrap(), "{.metadata.name}");
        assert_eq!(relaxed("{.a}").unwrap(), "{.a}");
        assert_eq!(relaxed("a.b").unwrap(), "{.a.b}");
    }
}
