//! Large YAML streams decoded on several threads: the stream is cut at document markers
//! (`---` at the start of a line, which YAML forbids inside any scalar, so it always starts a
//! document), the runs of whole documents are decoded at once, and the results are joined in
//! stream order with document indexes and line numbers as one pass would give them.

use super::{Manifest, ManifestError, Part, Warning, decode_yaml_part};

/// Streams shorter than this are decoded on the calling thread.
const PARALLEL_MIN_BYTES: usize = 96 * 1024;

/// Decodes and checks a YAML stream, in parallel when it is large.
pub(crate) fn decode_yaml(
    name: &str,
    text: &str,
) -> (Vec<Manifest>, Vec<Warning>, Vec<ManifestError>) {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(8);
    let cuts = if text.len() >= PARALLEL_MIN_BYTES && threads > 1 {
        split_points(text, threads)
    } else {
        Vec::new()
    };
    if cuts.is_empty() {
        return join(vec![decode_yaml_part(name, text)]);
    }
    let mut bounds = vec![0];
    bounds.extend(&cuts);
    bounds.push(text.len());
    let pieces: Vec<String> = bounds
        .windows(2)
        .map(|w| {
            // Blank lines in front keep every line number what it is in the whole stream.
            let lines_before = text.as_bytes()[..w[0]].iter().filter(|&&b| b == b'\n').count();
            let mut piece = "\n".repeat(lines_before);
            piece.push_str(&text[w[0]..w[1]]);
            piece
        })
        .collect();
    let parts = std::thread::scope(|s| {
        let handles: Vec<_> =
            pieces[1..].iter().map(|p| s.spawn(move || decode_yaml_part(name, p))).collect();
        let mut parts = vec![decode_yaml_part(name, &pieces[0])];
        for h in handles {
            match h.join() {
                Ok(p) => parts.push(p),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        parts
    });
    join(parts)
}

/// Byte offsets (ascending, never 0) where a document marker line starts, one near each
/// `1/parts` of the text. Empty when the stream has directives (`%YAML`, `%TAG`), which
/// belong to the document after them and are kept in one piece with it.
fn split_points(text: &str, parts: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b'%') || text.contains("\n%") {
        return Vec::new();
    }
    let mut cuts: Vec<usize> = Vec::new();
    for k in 1..parts {
        let from = (text.len() * k / parts).max(cuts.last().map_or(1, |c| c + 1));
        if let Some(at) = next_marker(bytes, from)
            && cuts.last() != Some(&at)
        {
            cuts.push(at);
        }
    }
    cuts
}

/// The start of the first line at or after `from` that is a document start marker.
fn next_marker(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        let nl = bytes[i..].iter().position(|&b| b == b'\n')? + i;
        let line = nl + 1;
        let rest = &bytes[line.min(bytes.len())..];
        if rest.starts_with(b"---")
            && matches!(rest.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
        {
            return Some(line);
        }
        i = line;
    }
    None
}

/// Joins decoded pieces in stream order: document indexes continue from the pieces before,
/// and a syntax error ends the stream there, as it does in one pass.
fn join(parts: Vec<Part>) -> (Vec<Manifest>, Vec<Warning>, Vec<ManifestError>) {
    let mut manifests = Vec::with_capacity(parts.iter().map(|p| p.manifests.len()).sum());
    let (mut warnings, mut errors) = (Vec::new(), Vec::new());
    let mut documents_before = 0;
    for part in parts {
        manifests.extend(part.manifests.into_iter().map(|mut m| {
            m.origin.document += documents_before;
            m
        }));
        warnings.extend(part.warnings.into_iter().map(|mut w| {
            w.origin.document += documents_before;
            w
        }));
        errors.extend(part.errors);
        if let Some(e) = part.syntax {
            errors.push(e);
            break;
        }
        documents_before += part.documents;
    }
    (manifests, warnings, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(n: usize) -> String {
        (0..n)
            .map(|i| {
                format!(
                    "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t-{i}\nspec:\n  \
                     enabled: yes\n  text: |\n    text {i}\n"
                )
            })
            .collect::<Vec<_>>()
            .join("---\n")
    }

    #[test]
    fn pieces_join_to_what_one_pass_reads() {
        let text = stream(3000);
        assert!(text.len() >= PARALLEL_MIN_BYTES);
        assert!(!split_points(&text, 4).is_empty());
        let whole = join(vec![decode_yaml_part("f", &text)]);
        let parallel = decode_yaml("f", &text);
        assert_eq!(whole.0.len(), 3000);
        assert_eq!(
            whole.0.iter().map(|m| (&m.object, &m.origin)).collect::<Vec<_>>(),
            parallel.0.iter().map(|m| (&m.object, &m.origin)).collect::<Vec<_>>()
        );
        assert_eq!(whole.1, parallel.1);
        assert_eq!(parallel.1.len(), 3000);
        assert_eq!(parallel.1[2999].origin.document, 2999);
    }

    #[test]
    fn a_syntax_error_ends_the_stream_where_one_pass_ends_it() {
        let mut text = stream(3000);
        let at = text.len() / 3;
        let cut = next_marker(text.as_bytes(), at).unwrap();
        text.insert_str(cut, "---\nkey: [unclosed\n");
        let whole = join(vec![decode_yaml_part("f", &text)]);
        let parallel = decode_yaml("f", &text);
        assert_eq!(whole.0.len(), parallel.0.len());
        assert!(parallel.0.len() < 3000);
        let describe =
            |e: &Vec<ManifestError>| e.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(describe(&whole.2), describe(&parallel.2));
        assert_eq!(parallel.2.len(), 1);
    }

    #[test]
    fn markers_are_found_only_at_line_starts() {
        let text = "a: 1\nb: '---'\n--- \nc: 2\n----\n---\n";
        assert_eq!(next_marker(text.as_bytes(), 1), Some(14));
        assert_eq!(next_marker(text.as_bytes(), 15), Some(29));
        assert!(split_points("%YAML 1.1\n---\na: 1\n", 2).is_empty());
    }
}
