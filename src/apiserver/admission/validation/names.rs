//! The name and key formats of apimachinery's `util/validation`: DNS-1123 labels and
//! subdomains, DNS-1035 labels, qualified names (label and annotation keys), label values,
//! ConfigMap/Secret keys — each returning kube-apiserver's messages (empty when valid).

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/// `must be no more than N characters`.
pub fn max_len(n: usize) -> String {
    format!("must be no more than {n} characters")
}

fn label_chars(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn subdomain_chars(s: &str) -> bool {
    s.split('.').all(label_chars)
}

/// `IsDNS1123Label`.
pub fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    if !label_chars(s) {
        errs.push(if subdomain_chars(s) {
            "must not contain dots".into()
        } else {
            DNS1123_LABEL_MSG.into()
        });
    }
    errs
}

/// `IsDNS1123Subdomain`.
pub fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push(max_len(253));
    }
    if !subdomain_chars(s) {
        errs.push(DNS1123_SUBDOMAIN_MSG.into());
    }
    errs
}

/// `IsDNS1035Label`.
pub fn dns1035_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    if !label_chars(s) || !s.as_bytes()[0].is_ascii_lowercase() {
        errs.push(DNS1035_LABEL_MSG.into());
    }
    errs
}

/// `ValidatePathSegmentName` (RBAC objects): anything but `.`, `..`, `/` and `%`.
pub fn path_segment(s: &str) -> Vec<String> {
    if s == "." || s == ".." {
        return vec![format!("may not be '{s}'")];
    }
    ["/", "%"].iter().filter(|c| s.contains(*c)).map(|c| format!("may not contain '{c}'")).collect()
}

fn qualified_chars(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// `IsQualifiedName`: label keys, annotation keys (lower-cased first), finalizers.
pub fn qualified_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let name = match s.split_once('/') {
        None => s,
        Some((prefix, name)) if !name.contains('/') => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".into());
            } else {
                errs.extend(
                    dns1123_subdomain(prefix).into_iter().map(|m| format!("prefix part {m}")),
                );
            }
            name
        }
        Some(_) => {
            return vec![format!(
                "a qualified name {QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )];
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".into());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len(63)));
    }
    if !qualified_chars(name) {
        errs.push(format!("name part {QUALIFIED_NAME_MSG}"));
    }
    errs
}

/// `IsValidLabelValue`.
pub fn label_value(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    if !s.is_empty() && !qualified_chars(s) {
        errs.push(LABEL_VALUE_MSG.into());
    }
    errs
}

/// `IsConfigMapKey`.
pub fn config_map_key(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push(max_len(253));
    }
    if s.is_empty()
        || !s.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    {
        errs.push(CONFIG_KEY_MSG.into());
    }
    match s {
        "." => errs.push("must not be '.'".into()),
        ".." => errs.push("must not be '..'".into()),
        _ if s.starts_with("..") => errs.push("must not start with '..'".into()),
        _ => {}
    }
    errs
}

/// The name rule of a kind, as its `Validate…Name` function chooses.
pub fn for_kind(group: &str, kind: &str) -> fn(&str) -> Vec<String> {
    match (group, kind) {
        ("", "Service") => dns1035_label,
        ("", "Namespace") => dns1123_label,
        ("rbac.authorization.k8s.io", _) => path_segment,
        _ => dns1123_subdomain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_kube_rules() {
        assert!(dns1123_subdomain("a.b-c").is_empty());
        assert_eq!(dns1123_subdomain("A").len(), 1);
        assert_eq!(dns1123_label("a.b"), vec!["must not contain dots".to_string()]);
        assert!(dns1035_label("web").is_empty());
        assert!(!dns1035_label("1web").is_empty());
        assert!(qualified_name("app.kubernetes.io/name").is_empty());
        assert!(!qualified_name("a/b/c").is_empty());
        assert!(label_value("").is_empty());
        assert!(!label_value("-x").is_empty());
        assert!(config_map_key("app.properties").is_empty());
        assert!(!config_map_key("a b").is_empty());
        assert_eq!(path_segment("a/b"), vec!["may not contain '/'".to_string()]);
    }

    #[test]
    fn qualified_name_messages_per_part() {
        let long = "n".repeat(64);
        let cases: Vec<(String, Vec<String>)> = vec![
            ("a".into(), vec![]),
            ("example.com/a".into(), vec![]),
            ("/a".into(), vec!["prefix part must be non-empty".into()]),
            (
                "a/".into(),
                vec![
                    "name part must be non-empty".into(),
                    format!("name part {QUALIFIED_NAME_MSG}"),
                ],
            ),
            (
                "".into(),
                vec![
                    "name part must be non-empty".into(),
                    format!("name part {QUALIFIED_NAME_MSG}"),
                ],
            ),
            (format!("a/{long}"), vec![format!("name part {}", max_len(63))]),
            (
                "Ex.com/a".into(),
                dns1123_subdomain("Ex.com").iter().map(|m| format!("prefix part {m}")).collect(),
            ),
        ];
        for (name, want) in cases {
            assert_eq!(qualified_name(&name), want, "{name:?}");
        }
        for name in ["a/b/c", "//", "a//b", "/a/"] {
            let errs = qualified_name(name);
            assert_eq!(errs.len(), 1, "{name:?}");
            assert!(errs[0].ends_with(
                "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ));
        }
    }
}
