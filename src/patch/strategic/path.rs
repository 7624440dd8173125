//! JSON paths for error messages, built as a borrowed chain on the stack and rendered only
//! when an error is reported (`spec.template.spec.containers[name=app].env`).

use serde_json::Value;

/// A position in a document being patched.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'a> {
    /// The document itself.
    Root,
    /// A field of an object.
    Field(&'a Path<'a>, &'a str),
    /// The element of a merging list whose merge key `key` has value `value`.
    Elem(&'a Path<'a>, &'a str, &'a Value),
    /// A list element by position.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The path of field `name` below this one.
    pub(crate) fn field(&'a self, name: &'a str) -> Path<'a> {
        Path::Field(self, name)
    }

    /// Renders the path; the root is `<root>`.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        if out.is_empty() { "<root>".to_owned() } else { out }
    }

    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Field(parent, name) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Path::Elem(parent, key, value) => {
                parent.write(out);
                let value = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                out.push_str(&format!("[{key}={value}]"));
            }
            Path::Index(parent, i) => {
                parent.write(out);
                out.push_str(&format!("[{i}]"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_fields_elements_and_indexes() {
        let name = Value::String("app".into());
        let root = Path::Root;
        let spec = root.field("spec");
        let containers = spec.field("containers");
        let app = Path::Elem(&containers, "name", &name);
        let env = app.field("env");
        let first = Path::Index(&env, 0);
        assert_eq!(first.render(), "spec.containers[name=app].env[0]");
        assert_eq!(root.render(), "<root>");
    }
}
