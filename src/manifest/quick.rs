//! A fast reader for the block YAML that manifests are nearly always written in: `key: value`
//! mappings and `- item` sequences by indentation, one-line plain and quoted scalars, literal
//! blocks (`|`), one-line flow collections (`{app: web}`, `[a, b]`), comments, and `---`
//! between documents.
//!
//! It hands [`super::yaml`]'s tree builder the same events, at the same positions, as the full
//! parser (granit-parser) would, so that values, errors and warnings stay the full parser's.
//! Anything else — multi-line plain or quoted scalars, folded blocks, escapes, anchors, tags,
//! tabs, non-ASCII text, directives, anything invalid — makes it give up, and the full parser
//! reads the stream.

use granit_parser::{Event, Marker, ScalarStyle, Span, StructureStyle};
use std::borrow::Cow;

/// The text leaves the subset this reader handles; the full parser must read it.
#[derive(Debug)]
pub(crate) struct Unsupported;

type Step<T = ()> = Result<T, Unsupported>;

/// Hands the events of `text` to `sink` (documents and nodes; no stream events, no comments).
/// On `Err`, part of the stream may have been handed over already.
pub(crate) fn events<'a>(text: &'a str, sink: &mut dyn FnMut(Event<'a>, Span) -> Step) -> Step {
    // Printable ASCII and line breaks only: columns are then bytes, and no tab, carriage
    // return or control character needs the full parser's rules.
    if !text.bytes().all(|b| matches!(b, b' '..=b'~' | b'\n')) {
        return Err(Unsupported);
    }
    Reader { text, pos: 0, line: 1, peeked: None, sink }.stream()
}

/// A line with content (not blank, not only a comment).
#[derive(Clone, Copy)]
struct Line<'a> {
    /// 1-based line number.
    no: usize,
    indent: usize,
    /// The line from its first non-space byte, without the line break.
    rest: &'a str,
    /// A `---` document marker.
    marker: bool,
}

struct Reader<'a, 's> {
    text: &'a str,
    /// Where the next unread line starts.
    pos: usize,
    /// Its 1-based number.
    line: usize,
    peeked: Option<Line<'a>>,
    sink: &'s mut dyn FnMut(Event<'a>, Span) -> Step,
}

impl<'a> Reader<'a, '_> {
    fn emit(&mut self, event: Event<'a>, line: usize, col: usize) -> Step {
        let at = Marker::new(0, line, col);
        (self.sink)(event, Span::new(at, at))
    }

    fn scalar(&mut self, text: Cow<'a, str>, style: ScalarStyle, line: usize, col: usize) -> Step {
        self.emit(Event::Scalar(text, style, 0, None), line, col)
    }

    /// An empty node, as the full parser reports it (`~` at the position given).
    fn null(&mut self, line: usize, col: usize) -> Step {
        self.scalar(Cow::Borrowed("~"), ScalarStyle::Plain, line, col)
    }

    /// The next line with content, not consumed.
    fn peek(&mut self) -> Step<Option<Line<'a>>> {
        if self.peeked.is_none() {
            self.peeked = self.read_line()?;
        }
        Ok(self.peeked)
    }

    fn take(&mut self) -> Step<Option<Line<'a>>> {
        let line = self.peek()?;
        self.peeked = None;
        Ok(line)
    }

    /// The line at the read position, without its line break, and whether one ends it.
    fn raw_line(&self) -> Option<(&'a str, bool)> {
        let tail = self.text.get(self.pos..).filter(|t| !t.is_empty())?;
        Some(match tail.find('\n') {
            Some(end) => (&tail[..end], true),
            None => (tail, false),
        })
    }

    /// Moves past the line [`Self::raw_line`] gave.
    fn advance(&mut self, raw: &str) {
        self.pos += raw.len() + 1;
        self.line += 1;
    }

    fn read_line(&mut self) -> Step<Option<Line<'a>>> {
        while let Some((raw, _)) = self.raw_line() {
            let no = self.line;
            self.advance(raw);
            let content = raw.trim_start_matches(' ');
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let indent = raw.len() - content.len();
            let mut marker = false;
            if indent == 0 {
                if let Some(after) = content.strip_prefix("---") {
                    if !blank_or_comment(after) {
                        return Err(Unsupported);
                    }
                    marker = true;
                } else if content.starts_with("...") || content.starts_with('%') {
                    return Err(Unsupported);
                }
            }
            return Ok(Some(Line { no, indent, rest: content, marker }));
        }
        Ok(None)
    }

    fn stream(&mut self) -> Step {
        let mut first = true;
        let mut marker_line = 0;
        loop {
            let explicit = match self.peek()? {
                None => return Ok(()),
                Some(l) if l.marker => {
                    self.take()?;
                    marker_line = l.no;
                    true
                }
                Some(_) if first => false,
                Some(_) => return Err(Unsupported),
            };
            first = false;
            self.emit(Event::DocumentStart(explicit, None), 0, 0)?;
            match self.peek()? {
                Some(l) if !l.marker => {
                    self.block(None)?;
                    if self.peek()?.is_some_and(|l| !l.marker) {
                        return Err(Unsupported);
                    }
                }
                // An empty document is a null at the end of its marker.
                _ if explicit => self.null(marker_line, 3)?,
                _ => return Err(Unsupported),
            }
            self.emit(Event::DocumentEnd, 0, 0)?;
        }
    }

    /// A block node starting on the next line, indented more than `parent`.
    fn block(&mut self, parent: Option<usize>) -> Step {
        let l = self.peek()?.ok_or(Unsupported)?;
        if l.marker || parent.is_some_and(|p| l.indent <= p) {
            return Err(Unsupported);
        }
        if is_entry(l.rest) {
            self.seq(l.indent, false)
        } else if key_len(l.rest).is_some() {
            self.take()?;
            self.map(l.no, l.indent, l.rest)
        } else {
            Err(Unsupported)
        }
    }

    /// A block mapping whose first key starts `first` (line `no`, column `col`).
    fn map(&mut self, no: usize, col: usize, first: &'a str) -> Step {
        self.emit(Event::MappingStart(StructureStyle::Block, 0, None), no, col)?;
        let (mut no, mut rest) = (no, first);
        loop {
            let klen = key_len(rest).ok_or(Unsupported)?;
            self.scalar(Cow::Borrowed(&rest[..klen]), ScalarStyle::Plain, no, col)?;
            let after = &rest[klen + 1..];
            let value = after.trim_start_matches(' ');
            let colon = col + klen;
            if value.is_empty() || value.starts_with('#') {
                match self.peek()? {
                    Some(n) if !n.marker && n.indent > col => self.block(Some(col))?,
                    Some(n) if !n.marker && n.indent == col && is_entry(n.rest) => {
                        self.seq(col, true)?
                    }
                    _ => self.null(no, colon)?,
                }
            } else {
                self.inline(value, no, colon + 1 + (after.len() - value.len()), col)?;
            }
            match self.peek()? {
                Some(n) if !n.marker && n.indent == col && !is_entry(n.rest) => {
                    self.take()?;
                    (no, rest) = (n.no, n.rest);
                }
                Some(n) if !n.marker && n.indent > col => return Err(Unsupported),
                _ => break,
            }
        }
        self.emit(Event::MappingEnd, no, col)
    }

    /// A block sequence of `- ` entries at column `col`. An indentless one (entries at the
    /// column of the key that holds it) starts where its first entry's content does.
    fn seq(&mut self, col: usize, indentless: bool) -> Step {
        let mut started = false;
        while let Some(l) = self.peek()? {
            if l.marker || l.indent != col || !is_entry(l.rest) {
                break;
            }
            self.take()?;
            let after = &l.rest[1..];
            let value = after.trim_start_matches(' ');
            let vcol = col + 1 + (after.len() - value.len());
            if value.is_empty() || value.starts_with('#') || is_entry(value) {
                return Err(Unsupported);
            }
            if !started {
                let at = if indentless { vcol } else { col };
                self.emit(Event::SequenceStart(StructureStyle::Block, 0, None), l.no, at)?;
                started = true;
            }
            if key_len(value).is_some() {
                self.map(l.no, vcol, value)?;
            } else {
                self.inline(value, l.no, vcol, col)?;
            }
            if self.peek()?.is_some_and(|n| !n.marker && n.indent > col) {
                return Err(Unsupported);
            }
        }
        if !started {
            return Err(Unsupported);
        }
        self.emit(Event::SequenceEnd, 0, 0)
    }

    /// A value that starts at `col` and ends on this line, or a literal block scalar (`|`)
    /// whose lines follow, in a node at column `owner`.
    fn inline(&mut self, text: &'a str, no: usize, col: usize, owner: usize) -> Step {
        let end = match text.as_bytes()[0] {
            b'|' => return self.literal(&text[1..], owner),
            b'{' | b'[' => self.flow(text, 0, no, col)?,
            b'\'' | b'"' => self.quoted(text, 0, no, col)?,
            _ if starts_plain(text.as_bytes(), false) => {
                let end = text.find(" #").unwrap_or(text.len());
                let value = text[..end].trim_end_matches(' ');
                if value.contains(": ") || value.ends_with(':') {
                    return Err(Unsupported);
                }
                self.scalar(Cow::Borrowed(value), ScalarStyle::Plain, no, col)?;
                end
            }
            _ => return Err(Unsupported),
        };
        match blank_or_comment(&text[end..]) {
            true => Ok(()),
            false => Err(Unsupported),
        }
    }

    /// A literal block scalar whose header (after `|`) is `header`: its lines are those below,
    /// indented as the first of them is (which must be more than `owner`).
    fn literal(&mut self, header: &str, owner: usize) -> Step {
        let (chomp, rest) = match header.as_bytes().first() {
            Some(&c @ (b'-' | b'+')) => (c, &header[1..]),
            _ => (b' ', header),
        };
        if !blank_or_comment(rest) {
            return Err(Unsupported);
        }
        let (mut indent, mut lines, mut trailing, mut first) = (0, 0, 0, 0);
        let mut value = String::new();
        while let Some((raw, broken)) = self.raw_line() {
            let spaces = raw.len() - raw.trim_start_matches(' ').len();
            if lines == 0 {
                // The first line sets the indentation; a leading empty line is left to the
                // full parser.
                if spaces <= owner || spaces == raw.len() {
                    return Err(Unsupported);
                }
                (indent, first) = (spaces, self.line);
            }
            if spaces == raw.len() && spaces <= indent {
                trailing += 1;
            } else if spaces < indent {
                break;
            } else {
                if lines > 0 {
                    value.push('\n');
                }
                value.extend(std::iter::repeat_n('\n', trailing));
                value.push_str(&raw[indent..]);
                (lines, trailing) = (lines + 1, 0);
            }
            // A block that runs into the end of the input without a line break is left to
            // the full parser.
            if !broken {
                return Err(Unsupported);
            }
            self.advance(raw);
        }
        if lines == 0 {
            return Err(Unsupported);
        }
        match chomp {
            b'-' => {}
            b'+' => value.extend(std::iter::repeat_n('\n', trailing + 1)),
            _ => value.push('\n'),
        }
        // The full parser places it where its text starts.
        self.scalar(Cow::Owned(value), ScalarStyle::Literal, first, indent)
    }

    /// A quoted scalar at `text[at..]`, closed on this line; returns where it ends.
    fn quoted(&mut self, text: &'a str, at: usize, no: usize, col: usize) -> Step<usize> {
        let bytes = text.as_bytes();
        let quote = bytes[at];
        let mut i = at + 1;
        let mut doubled = false;
        loop {
            match bytes.get(i) {
                None | Some(b'\\') if quote == b'"' => return Err(Unsupported),
                None => return Err(Unsupported),
                Some(&b) if b == quote => {
                    if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        doubled = true;
                        i += 2;
                        continue;
                    }
                    break;
                }
                Some(_) => i += 1,
            }
        }
        let inner = &text[at + 1..i];
        let (value, style) = match quote {
            b'"' => (Cow::Borrowed(inner), ScalarStyle::DoubleQuoted),
            _ if doubled => (Cow::Owned(inner.replace("''", "'")), ScalarStyle::SingleQuoted),
            _ => (Cow::Borrowed(inner), ScalarStyle::SingleQuoted),
        };
        self.scalar(value, style, no, col + at)?;
        Ok(i + 1)
    }

    /// A flow node at `text[at..]` (after any spaces), on this line; returns where it ends.
    fn flow(&mut self, text: &'a str, at: usize, no: usize, col: usize) -> Step<usize> {
        let bytes = text.as_bytes();
        let mut i = skip_spaces(bytes, at);
        match bytes.get(i) {
            Some(b'[') => {
                self.emit(Event::SequenceStart(StructureStyle::Flow, 0, None), no, col + i)?;
                i = skip_spaces(bytes, i + 1);
                while bytes.get(i) != Some(&b']') {
                    i = after_item(bytes, skip_spaces(bytes, self.flow(text, i, no, col)?), b']')?;
                }
                self.emit(Event::SequenceEnd, no, col + i)?;
                Ok(i + 1)
            }
            Some(b'{') => {
                self.emit(Event::MappingStart(StructureStyle::Flow, 0, None), no, col + i)?;
                i = skip_spaces(bytes, i + 1);
                while bytes.get(i) != Some(&b'}') {
                    if matches!(bytes.get(i), Some(b'{' | b'[')) {
                        return Err(Unsupported);
                    }
                    i = self.flow(text, i, no, col)?;
                    if bytes.get(i) != Some(&b':') {
                        return Err(Unsupported);
                    }
                    let colon = i;
                    if !matches!(bytes.get(i + 1), Some(b' ' | b',' | b'}')) {
                        return Err(Unsupported);
                    }
                    i = skip_spaces(bytes, i + 1);
                    match bytes.get(i) {
                        Some(b',' | b'}') => self.null(no, col + colon)?,
                        _ => i = skip_spaces(bytes, self.flow(text, i, no, col)?),
                    }
                    i = after_item(bytes, i, b'}')?;
                }
                self.emit(Event::MappingEnd, no, col + i)?;
                Ok(i + 1)
            }
            Some(b'\'' | b'"') => self.quoted(text, i, no, col),
            Some(_) if starts_plain(&bytes[i..], true) => {
                let start = i;
                while let Some(&b) = bytes.get(i) {
                    let ends = match b {
                        b',' | b'[' | b']' | b'{' | b'}' => true,
                        b':' => matches!(bytes.get(i + 1), None | Some(b' ' | b',' | b']' | b'}')),
                        b' ' => bytes.get(i + 1) == Some(&b'#'),
                        _ => false,
                    };
                    if ends {
                        break;
                    }
                    i += 1;
                }
                let value = text[start..i].trim_end_matches(' ');
                self.scalar(Cow::Borrowed(value), ScalarStyle::Plain, no, col + start)?;
                Ok(start + value.len())
            }
            _ => Err(Unsupported),
        }
    }
}

/// `- item` or a lone `-`.
fn is_entry(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ")
}

/// The length of a plain key at the start of `rest` that is followed by `:` and a space or
/// the end of the line.
fn key_len(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let first = *bytes.first()?;
    if !(first.is_ascii_alphanumeric() || matches!(first, b'_' | b'.' | b'/')) {
        return None;
    }
    let len = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-')))?;
    match (bytes[len], bytes.get(len + 1)) {
        (b':', None | Some(b' ')) => Some(len),
        _ => None,
    }
}

/// True when a plain scalar may start here (in flow context, `flow`).
fn starts_plain(bytes: &[u8], flow: bool) -> bool {
    match bytes.first() {
        None => false,
        Some(
            b'{' | b'}' | b'[' | b']' | b',' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`',
        ) => false,
        Some(b'-' | b'?' | b':') => match bytes.get(1) {
            None | Some(b' ') => false,
            Some(b',' | b'[' | b']' | b'{' | b'}') => !flow,
            Some(_) => true,
        },
        Some(b' ') => false,
        Some(_) => true,
    }
}

/// Past the `,` after a flow item, or at the `close` that ends its collection.
fn after_item(bytes: &[u8], i: usize, close: u8) -> Step<usize> {
    match bytes.get(i) {
        Some(b',') => Ok(skip_spaces(bytes, i + 1)),
        Some(&b) if b == close => Ok(i),
        _ => Err(Unsupported),
    }
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// Nothing but spaces, then perhaps a comment (which needs a space before it).
fn blank_or_comment(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

#[cfg(test)]
mod tests {
    use super::super::yaml::differs_from_full_parser;
    use std::path::Path;

    /// Every manifest file under `dir`, read as `-R` reads a directory.
    fn yaml_files(dir: &Path, out: &mut Vec<String>) {
        let mut files = Vec::new();
        super::super::collect_files(dir, true, true, &mut files).unwrap();
        let yaml = files.iter().filter(|p| p.extension().is_some_and(|x| x != "json"));
        out.extend(yaml.filter_map(|p| std::fs::read_to_string(p).ok()));
    }

    /// Tricky shapes: each is read by the fast reader only if it reads it as the full parser does.
    const SHAPES: &[&str] = &[
        "a: 1\nb:\nc:\n- x\n-  y: 1\n   z:\n- {p: q, r: [1, \"2\"], s: }\nd: 'it''s' # c\ne: \"q\"\n---\n---\nf: g\n",
        "- a\n- b: 1\n  c: 2\n- d\n",
        "k:\n  - a\n  - b\nm:\n    n: 1\n# c\n\nz: [ ]\ny: {}\nx: [a, {b: c}]\nw: a b  # x\nv: -1\n",
        "---\n# only a comment\n---\na: 1\n",
        "a: 1\n---\n",
        "---\n",
        "# nothing\n",
        "",
        "  a: 1\n  b: 2\n",
        "a:\n- b: 1\n  c:\n  - x\n- d: [1,2,]\n",
        "a: b: c\n",
        "a: 1\n  b: 2\n",
        "a:\n    b: 1\n  c: 2\n",
        "a: {b: 1, b: 2}\n",
        "a: 1\na: 2\n",
        "a: [1, 2\n  , 3]\n",
        "a: plain\n  continued\n",
        "- a\n  continued\n",
        "a: 'x'y\n",
        "a: \"x\" # c\nb: '' \nc: \"\"\n",
        "a: yes\nb: 0644\nc: ~\nd: null\ne: 1.5\nf: 0x1F\n",
        "g: .inf\n",
        "a: [yes, 'no', \"on\"]\n",
        "a:#b\n",
        "a: x#y\nb: x :y\n",
        "a: :x\nb: -x\nc: ?x\n",
        "a: - b\n",
        "a: {b: c\n",
        "a: [b]c\n",
        "a: [b] #c\nd: {e: f}#g\n",
        "a: {b: [c, d], e: {f: g}}\n",
        "a: {\"b\": c, 'd': e}\n",
        "a: {b:c}\n",
        "a: {b: c: d}\n",
        "a: [b: c]\n",
        "a: [http://x, b:c, {d: e:f}]\n",
        "a:\n- - b\n",
        "-\n  - x\n",
        "a:\n  b\n",
        "--- a\n",
        "---a: 1\n",
        "a: 1\n...\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: |\n  x\n",
        "a: |\n  x\n\n   y\n  # z\n\n\nb: |-\n    p\n    q\nc: |+\n  r\n\n\n",
        "- |\n  a\n- |-\n  b\n  \n- k: |\n    c\n  l: d\n",
        "a: |\n\n  x\n",
        "a: |2\n  x\n",
        "a: >\n  x\n  y\n",
        "a: | # c\n  x\n---\nb: |\n  y\n",
        "a: |\nb: 1\n",
        "a: |\n  x\n    y\n z\n",
        "a:\n  b: |\n   x\n  c: |\n      y\n     z\n",
        "a: |\n  x\n      \n  y\n",
        "a: |+\n  x\n\n  ",
        "a: |\n  x",
        "a: |+\n  x",
        "1: a\ntrue: b\nnull: c\n",
        "a.b/c-d_e: 1\n.x: 2\n/y: 3\n",
        "a: \n\n\n  b: 1\n",
        "a:\n\n- x\n\n- y\n",
        "- a: 1\n  b: 2\n-   c: 3\n    d: [4]\n",
        "a:\n  - b:\n    - c\n  - d\n",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n",
    ];

    /// Each line of `text` moved one column in, one column out, and dropped.
    fn variants(text: &str) -> Vec<String> {
        let lines: Vec<&str> = text.split('\n').collect();
        let mut out = Vec::new();
        for i in 0..lines.len() {
            let mut edit = |f: &dyn Fn(&str) -> Option<String>| {
                if let Some(changed) = f(lines[i]) {
                    let mut l: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
                    l[i] = changed;
                    out.push(l.join("\n"));
                }
            };
            edit(&|l| Some(format!(" {l}")));
            edit(&|l| l.strip_prefix(' ').map(String::from));
            edit(&|l| (!l.is_empty()).then(String::new));
            edit(&|l| l.find(": ").map(|at| format!("{}:{}", &l[..at], &l[at + 2..])));
        }
        out
    }

    #[test]
    fn reads_what_it_reads_as_the_full_parser_does() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut corpus: Vec<String> = SHAPES.iter().map(|s| s.to_string()).collect();
        yaml_files(&root.join("testdata"), &mut corpus);
        let check = |text: &str| match differs_from_full_parser(text) {
            Ok(read) => read,
            Err(diff) => panic!("the fast reader reads {text:?} differently:\n{diff}"),
        };
        let read = corpus.iter().filter(|t| check(t)).count();
        // The reader must actually take most manifests, or this test proves nothing.
        assert!(read * 2 > corpus.len(), "read only {read} of {} texts", corpus.len());
        for t in corpus.iter().filter(|t| t.lines().count() <= 40) {
            variants(t).iter().for_each(|v| _ = check(v));
        }
        let common = [
            SHAPES[0],
            SHAPES[1],
            SHAPES[2],
            "a: yes\nb: 0644\nc: ~\nd: null\ne: 1.5\nf: 0x1F\n",
            "a: {b: [c, d], e: {f: g}}\n",
            "- |\n  a\n- |-\n  b\n  \n- k: |\n    c\n  l: d\n",
        ];
        for must in common {
            assert_eq!(differs_from_full_parser(must), Ok(true), "{must:?}");
        }
    }
}
