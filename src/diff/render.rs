//! Unified diffs of two YAML texts, laid out as `diff -u -N LIVE/<file> MERGED/<file>` prints
//! them, optionally colored.

use similar::{ChangeTag, TextDiff};

/// The unified diff of one object, or an empty string when the two sides are equal.
/// `live` is empty for an object that does not exist yet.
pub fn unified(file: &str, live: &str, merged: &str, color: bool) -> String {
    if live == merged {
        return String::new();
    }
    let diff = TextDiff::from_lines(live, merged);
    let (a, b) = (format!("LIVE/{file}"), format!("MERGED/{file}"));
    let body = diff.unified_diff().context_radius(3).header(&a, &b).to_string();
    let mut out = format!("diff -u -N {a} {b}\n");
    for line in body.lines() {
        let painted = if !color {
            line.to_string()
        } else if line.starts_with("+++") || line.starts_with("---") {
            colored::Colorize::bold(line).to_string()
        } else if line.starts_with('+') {
            colored::Colorize::green(line).to_string()
        } else if line.starts_with('-') {
            colored::Colorize::red(line).to_string()
        } else if line.starts_with("@@") {
            colored::Colorize::cyan(line).to_string()
        } else {
            line.to_string()
        };
        out.push_str(&painted);
        out.push('\n');
    }
    out
}

/// True when the two texts differ in any line.
pub fn differs(live: &str, merged: &str) -> bool {
    TextDiff::from_lines(live, merged).iter_all_changes().any(|c| c.tag() != ChangeTag::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_diff_u() {
        let out = unified("v1.ConfigMap.default.a", "a: 1\nb: 2\n", "a: 1\nb: 3\n", false);
        assert_eq!(
            out,
            "diff -u -N LIVE/v1.ConfigMap.default.a MERGED/v1.ConfigMap.default.a\n\
             --- LIVE/v1.ConfigMap.default.a\n+++ MERGED/v1.ConfigMap.default.a\n\
             @@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n"
        );
        assert!(unified("x", "same\n", "same\n", false).is_empty());
        assert!(differs("a\n", "b\n"));
    }
}
