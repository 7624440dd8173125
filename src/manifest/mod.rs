//! Reading manifests: `-f` sources (files, directories, `-R`, bytes from stdin or a URL),
//! multi-document YAML/JSON decoding with kubectl's YAML 1.1 values, `List` expansion,
//! the origin (file, document, line) of every object, and the checks that run before
//! anything is sent.
//!
//! Pure: reads files with `std::fs`, never the network or the terminal.

mod parallel;
mod quick;
mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};
use yaml::{Kind, Node};

/// Where an object came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The path as given, `STDIN`, or a URL.
    pub source: String,
    /// 0-based index of the document in its stream.
    pub document: usize,
    /// 1-based line where the object starts.
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.source, self.line)
    }
}

/// One object read from a manifest, with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The object, exactly as kubectl would read it.
    pub object: serde_json::Value,
    /// Where it came from.
    pub origin: Origin,
}

/// A non-fatal finding, e.g. a scalar YAML 1.1 reads differently than YAML 1.2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where: `line` is the line of the scalar.
    pub origin: Origin,
    /// What.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

/// Everything read from a set of inputs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// The objects, in input order (Lists expanded).
    pub manifests: Vec<Manifest>,
    /// Warnings, in input order.
    pub warnings: Vec<Warning>,
}

/// One input source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file or directory.
    Path(PathBuf),
    /// Content already read (stdin, a URL), with the name to report it under.
    Bytes {
        /// `STDIN` or the URL.
        name: String,
        /// The content.
        data: Vec<u8>,
    },
}

/// What is wrong with a manifest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The file or directory could not be read.
    #[error("{0}")]
    Io(String),
    /// The path does not exist.
    #[error("does not exist")]
    NotFound,
    /// YAML or JSON syntax (including tabs, duplicate keys, nesting and alias limits).
    #[error("{0}")]
    Syntax(String),
    /// The input is not UTF-8 text.
    #[error("the input is not UTF-8 text (binary data?)")]
    NotText,
    /// The input contains a NUL byte.
    #[error("the input contains a NUL byte (binary data?)")]
    NulByte,
    /// A document is not a mapping.
    #[error("the document is {0}, not a mapping (object)")]
    NotAMapping(&'static str),
    /// A required field is missing or empty.
    #[error("{0} is not set")]
    Missing(String),
    /// A field has the wrong type.
    #[error("{field} must be {want}, not {got}")]
    WrongType {
        /// The field path.
        field: String,
        /// The expected type.
        want: &'static str,
        /// The found type.
        got: &'static str,
    },
    /// A YAML 1.1 value where a string is required.
    #[error(
        "{path}: the value {raw} is read as {meaning} by YAML 1.1; quote it (\"{raw}\") to keep a string"
    )]
    Unquoted {
        /// The field path.
        path: String,
        /// The text as written.
        raw: String,
        /// What YAML 1.1 reads.
        meaning: String,
    },
}

/// An error in one manifest, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ManifestError {
    /// The file, `STDIN` or URL.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong (boxed to keep `Result`s small).
    pub problem: Box<Problem>,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self.problem == Problem::NotFound {
            // kubectl's wording.
            return write!(f, "the path {:?} does not exist", self.file);
        }
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": {}", self.problem)
    }
}

impl ManifestError {
    fn at(file: &str, line: usize, column: usize, problem: Problem) -> ManifestError {
        ManifestError {
            file: file.to_string(),
            line: Some(line),
            column: Some(column),
            problem: Box::new(problem),
        }
    }
}

/// All errors found in a set of inputs (one per bad document or file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ManifestErrors(pub Vec<ManifestError>);

impl fmt::Display for ManifestErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(|e| e.to_string()).collect();
        f.write_str(&lines.join("\n"))
    }
}

/// How kubectl (go-yaml v2, YAML 1.1) reads the plain, untagged scalar `text`; `None` when
/// the value has no JSON form (`.inf`, `.nan`). Used by `-o yaml` to decide what to quote.
pub fn resolve_plain_scalar(text: &str) -> Option<serde_json::Value> {
    yaml::resolve_plain(text).ok().map(|(v, _)| v)
}

/// File extensions taken from directories.
const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Reads every input (directories in sorted order, recursing only when `recursive`),
/// decodes and checks everything, and returns either all objects or all errors.
pub fn load(inputs: &[Input], recursive: bool) -> Result<Loaded, ManifestErrors> {
    let mut loaded = Loaded::default();
    let mut errors = Vec::new();
    for input in inputs {
        match input {
            Input::Bytes { name, data } => decode_into(name, data, &mut loaded, &mut errors),
            Input::Path(path) => {
                let mut files = Vec::new();
                if let Err(e) = collect_files(path, recursive, true, &mut files) {
                    errors.push(e);
                }
                for file in files {
                    let name = file.display().to_string();
                    match std::fs::read(&file) {
                        Ok(data) => decode_into(&name, &data, &mut loaded, &mut errors),
                        Err(e) => errors.push(io_error(&name, &e)),
                    }
                }
            }
        }
    }
    if errors.is_empty() { Ok(loaded) } else { Err(ManifestErrors(errors)) }
}

fn io_error(name: &str, e: &std::io::Error) -> ManifestError {
    let problem = match e.kind() {
        std::io::ErrorKind::NotFound => Problem::NotFound,
        _ => Problem::Io(e.to_string()),
    };
    ManifestError { file: name.to_string(), line: None, column: None, problem: Box::new(problem) }
}

/// The files `path` names (every manifest file below it when `recursive`, as `-R` reads them).
pub(crate) fn collect_files(
    path: &Path,
    recursive: bool,
    top: bool,
    out: &mut Vec<PathBuf>,
) -> Result<(), ManifestError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| io_error(&name, &e))?;
    if !meta.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    if !top && !recursive {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| io_error(&name, &e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_files(&entry, recursive, false, out)?;
        } else if entry
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
        {
            out.push(entry);
        }
    }
    Ok(())
}

fn decode_into(name: &str, data: &[u8], loaded: &mut Loaded, errors: &mut Vec<ManifestError>) {
    let (manifests, warnings, errs) = decode_all(name, data);
    loaded.manifests.extend(manifests);
    loaded.warnings.extend(warnings);
    errors.extend(errs);
}

/// Decodes and checks one stream; returns the first error if any.
pub fn decode(name: &str, data: &[u8]) -> Result<(Vec<Manifest>, Vec<Warning>), ManifestError> {
    let (manifests, warnings, mut errors) = decode_all(name, data);
    if errors.is_empty() { Ok((manifests, warnings)) } else { Err(errors.remove(0)) }
}

/// Decodes and checks one stream, returning every object, warning and error (one per bad
/// document; a syntax error ends the stream).
pub fn decode_all(name: &str, data: &[u8]) -> (Vec<Manifest>, Vec<Warning>, Vec<ManifestError>) {
    let text = match std::str::from_utf8(data) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = line_col(data, e.valid_up_to());
            return (vec![], vec![], vec![ManifestError::at(name, line, col, Problem::NotText)]);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(ctrl) = text.find('\0') {
        let (line, col) = line_col(text.as_bytes(), ctrl);
        return (vec![], vec![], vec![ManifestError::at(name, line, col, Problem::NulByte)]);
    }
    if text.trim_start().starts_with('{') {
        let json = decode_json(name, text);
        // kubectl reads input starting with `{` as JSON only. A YAML flow mapping (unquoted
        // keys) is still accepted here; anything else keeps its JSON error.
        let flow_yaml = json
            .2
            .iter()
            .any(|e| matches!(&*e.problem, Problem::Syntax(m) if m == "key must be a string"));
        if !flow_yaml || yaml::decode_stream(text).2.is_some() {
            return json;
        }
    }
    parallel::decode_yaml(name, text)
}

/// One YAML stream (or a run of whole documents of one), decoded and checked.
pub(crate) struct Part {
    manifests: Vec<Manifest>,
    warnings: Vec<Warning>,
    errors: Vec<ManifestError>,
    /// The syntax error that ended the stream, if any.
    syntax: Option<ManifestError>,
    /// How many documents it held.
    documents: usize,
}

/// Decodes and checks a YAML text whose document indexes start at 0.
pub(crate) fn decode_yaml_part(name: &str, text: &str) -> Part {
    let mut manifests = Vec::new();
    let mut errors = Vec::new();
    let mut documents = 0;
    let (y11, syntax) = yaml::decode_each(text, |doc| {
        documents += 1;
        if let Some(root) = doc.root {
            check_document(name, doc.index, root, &mut manifests, &mut errors);
        }
    });
    let warnings = y11
        .into_iter()
        .map(|w| Warning {
            origin: Origin { source: name.to_string(), document: w.document, line: w.line },
            message: w.message,
        })
        .collect();
    let syntax = syntax.map(|e| ManifestError::at(name, e.line, e.col, Problem::Syntax(e.message)));
    Part { manifests, warnings, errors, syntax, documents }
}

/// A stream of JSON values, as kubectl's YAML-or-JSON decoder reads one starting with `{`.
fn decode_json(name: &str, text: &str) -> (Vec<Manifest>, Vec<Warning>, Vec<ManifestError>) {
    let mut manifests = Vec::new();
    let mut errors = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    let mut index = 0;
    loop {
        let start = stream.byte_offset();
        let skipped = text[start..].len() - text[start..].trim_start().len();
        let (line, _) = line_col(text.as_bytes(), start + skipped);
        match stream.next() {
            None => break,
            Some(Ok(value)) => {
                // Re-decode through the YAML tree checks so messages are uniform.
                let node = json_node(&value, line);
                check_document(name, index, node, &mut manifests, &mut errors);
                index += 1;
            }
            Some(Err(e)) => {
                errors.push(ManifestError::at(
                    name,
                    e.line(),
                    e.column().max(1),
                    Problem::Syntax(json_message(&e)),
                ));
                break;
            }
        }
    }
    (manifests, vec![], errors)
}

fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// A JSON value as a positioned tree (every node at the object's line).
fn json_node(v: &serde_json::Value, line: usize) -> Node {
    use serde_json::Value;
    let kind = match v {
        Value::Array(a) => Kind::Seq(a.iter().map(|x| json_node(x, line)).collect()),
        Value::Object(m) => {
            Kind::Map(m.iter().map(|(k, x)| (k.clone(), json_node(x, line))).collect())
        }
        other => Kind::Scalar { value: other.clone(), yaml11: None },
    };
    Node::positioned(kind, line, 1)
}

fn line_col(data: &[u8], offset: usize) -> (usize, usize) {
    let before = &data[..offset.min(data.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, col)
}

/// Checks one document and expands Lists.
fn check_document(
    name: &str,
    index: usize,
    root: Node,
    manifests: &mut Vec<Manifest>,
    errors: &mut Vec<ManifestError>,
) {
    let origin = |line| Origin { source: name.to_string(), document: index, line };
    if !matches!(root.kind, Kind::Map(_)) {
        errors.push(ManifestError::at(
            name,
            root.line,
            root.col,
            Problem::NotAMapping(root.type_name()),
        ));
        return;
    }
    let kind = match required_string(name, &root, "kind", "") {
        Ok(k) => k,
        Err(e) => {
            errors.push(e);
            return;
        }
    };
    if let Err(e) = required_string(name, &root, "apiVersion", "") {
        errors.push(e);
        return;
    }
    if kind.ends_with("List")
        && let Some(items) = root.get("items")
    {
        match &items.kind {
            Kind::Seq(list) => {
                for (i, item) in list.iter().enumerate() {
                    let path = format!("items[{i}]");
                    if let Err(e) = check_object(name, item, &path) {
                        errors.push(e);
                    } else {
                        manifests
                            .push(Manifest { object: item.to_value(), origin: origin(item.line) });
                    }
                }
            }
            _ if items.is_null() => {}
            _ => errors.push(ManifestError::at(
                name,
                items.line,
                items.col,
                Problem::WrongType {
                    field: "items".into(),
                    want: "a list",
                    got: items.type_name(),
                },
            )),
        }
        return;
    }
    match check_object(name, &root, "") {
        Ok(()) => {
            let origin = origin(root.line);
            manifests.push(Manifest { object: root.into_value(), origin });
        }
        Err(e) => errors.push(e),
    }
}

fn join(prefix: &str, field: &str) -> String {
    if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") }
}

fn required_string<'a>(
    name: &str,
    obj: &'a Node,
    field: &'static str,
    prefix: &str,
) -> Result<&'a str, ManifestError> {
    match obj.get(field) {
        None => Err(ManifestError::at(
            name,
            obj.line,
            obj.col,
            Problem::Missing(field_name(field, prefix)),
        )),
        Some(n) if n.is_null() || n.as_str() == Some("") => {
            Err(ManifestError::at(name, n.line, n.col, Problem::Missing(field_name(field, prefix))))
        }
        Some(n) => n.as_str().ok_or_else(|| {
            ManifestError::at(
                name,
                n.line,
                n.col,
                Problem::WrongType {
                    field: join(prefix, field),
                    want: "a string",
                    got: n.type_name(),
                },
            )
        }),
    }
}

fn field_name(field: &str, prefix: &str) -> String {
    join(prefix, field)
}

/// Checks one object (a document or a List item).
fn check_object(name: &str, obj: &Node, path: &str) -> Result<(), ManifestError> {
    let at = |n: &Node, p: Problem| ManifestError::at(name, n.line, n.col, p);
    if !matches!(obj.kind, Kind::Map(_)) {
        return Err(at(
            obj,
            Problem::WrongType { field: path.to_string(), want: "a mapping", got: obj.type_name() },
        ));
    }
    let kind = required_string(name, obj, "kind", path)?.to_string();
    required_string(name, obj, "apiVersion", path)?;
    let meta = match obj.get("metadata") {
        None => return Err(at(obj, Problem::Missing(join(path, "metadata.name")))),
        Some(m) => m,
    };
    if !matches!(meta.kind, Kind::Map(_)) {
        return Err(at(
            meta,
            Problem::WrongType {
                field: join(path, "metadata"),
                want: "a mapping",
                got: meta.type_name(),
            },
        ));
    }
    let has = |f: &str| meta.get(f).and_then(Node::as_str).is_some_and(|s| !s.is_empty());
    if !has("name") && !has("generateName") {
        if let Some(n) = meta.get("name").filter(|n| !n.is_null() && n.as_str().is_none()) {
            return Err(at(
                n,
                Problem::WrongType {
                    field: join(path, "metadata.name"),
                    want: "a string",
                    got: n.type_name(),
                },
            ));
        }
        return Err(at(meta, Problem::Missing(join(path, "metadata.name"))));
    }
    check_strings(name, obj, path, &kind)
}

/// Fails where a YAML 1.1 value (`yes`, `0644`) lands in a field that must be a string.
fn check_strings(name: &str, obj: &Node, path: &str, kind: &str) -> Result<(), ManifestError> {
    let top = At::Top(path);
    let is_core = obj.get("apiVersion").and_then(Node::as_str) == Some("v1");
    if is_core && (kind == "ConfigMap" || kind == "Secret") {
        for field in ["data", "stringData"] {
            if let Some(n) = obj.get(field) {
                check_string_values(name, n, At::Field(&top, field))?;
            }
        }
    }
    walk(name, obj, top)
}

/// Where a node sits in its object (`spec.template.metadata.labels`), spelled out only for a
/// message: the walk over every node of a large manifest set builds no text on the way.
#[derive(Clone, Copy)]
enum At<'a> {
    /// The object itself: `""` for a document, `items[3]` for a List item.
    Top(&'a str),
    Field(&'a At<'a>, &'a str),
    Item(&'a At<'a>, usize),
}

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            At::Top(p) => f.write_str(p),
            At::Field(At::Top(""), field) => f.write_str(field),
            At::Field(parent, field) => write!(f, "{parent}.{field}"),
            At::Item(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

fn check_string_values(name: &str, map: &Node, at: At<'_>) -> Result<(), ManifestError> {
    if let Kind::Map(entries) = &map.kind {
        for (k, v) in entries {
            check_scalar(name, v, At::Field(&at, k))?;
        }
    }
    Ok(())
}

fn check_scalar(name: &str, n: &Node, at: At<'_>) -> Result<(), ManifestError> {
    if let Kind::Scalar { yaml11: Some(y), .. } = &n.kind {
        return Err(ManifestError::at(
            name,
            n.line,
            n.col,
            Problem::Unquoted {
                path: at.to_string(),
                raw: y.raw.clone(),
                meaning: y.meaning.clone(),
            },
        ));
    }
    Ok(())
}

/// Labels and annotations under any `metadata`, and `env[].value` anywhere.
fn walk(name: &str, n: &Node, at: At<'_>) -> Result<(), ManifestError> {
    match &n.kind {
        Kind::Map(entries) => {
            for (k, v) in entries {
                let here = At::Field(&at, k);
                if k == "metadata" {
                    for f in ["labels", "annotations"] {
                        if let Some(m) = v.get(f) {
                            check_string_values(name, m, At::Field(&here, f))?;
                        }
                    }
                }
                if k == "env"
                    && let Kind::Seq(items) = &v.kind
                {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(val) = item.get("value") {
                            check_scalar(name, val, At::Field(&At::Item(&here, i), "value"))?;
                        }
                    }
                }
                walk(name, v, here)?;
            }
        }
        Kind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(name, item, At::Item(&at, i))?;
            }
        }
        Kind::Scalar { .. } => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests;
