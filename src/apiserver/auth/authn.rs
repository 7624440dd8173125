//! Authentication: who is asking. Three sources, tried in order: a client certificate already
//! verified by the TLS layer against `--client-ca-file` (CN is the user, O the groups), a static
//! bearer token from `--token-auth-file` (kube-apiserver's CSV format), and a ServiceAccount
//! token this server issued (TokenRequest), valid only while that very ServiceAccount (same
//! uid) still exists.

use super::UserInfo;
use crate::apiserver::ApiServer;
use crate::apiserver::store::Key;
use base64::Engine as _;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Errors loading authentication configuration.
#[derive(Debug, thiserror::Error)]
pub enum AuthnError {
    /// A malformed line in the token file.
    #[error("token file line {line}: {why}")]
    TokenFile {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        why: String,
    },
}

/// Static bearer tokens: token → user.
#[derive(Clone, Default)]
pub struct TokenFile {
    tokens: HashMap<String, UserInfo>,
}

impl std::fmt::Debug for TokenFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the tokens themselves.
        f.debug_struct("TokenFile").field("entries", &self.tokens.len()).finish()
    }
}

/// Splits one CSV line, honouring double quotes (`""` is a literal quote).
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.is_empty() => quoted = true,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted field".into());
    }
    out.push(cur);
    Ok(out)
}

impl TokenFile {
    /// Parses `token,user,uid[,"group1,group2"]` lines; blank lines and `#` comments skipped.
    pub fn parse(text: &str) -> Result<TokenFile, AuthnError> {
        let mut tokens = HashMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |why: &str| AuthnError::TokenFile { line: i + 1, why: why.into() };
            let f = csv_fields(line).map_err(|w| err(&w))?;
            if f.len() < 3 {
                return Err(err("expected at least 3 columns: token,user,uid"));
            }
            if f[0].is_empty() || f[1].is_empty() {
                return Err(err("token and user must not be empty"));
            }
            let mut groups: Vec<String> = f
                .get(3)
                .map(|g| {
                    g.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default();
            groups.push("system:authenticated".into());
            tokens.insert(f[0].clone(), UserInfo { name: f[1].clone(), uid: f[2].clone(), groups });
        }
        Ok(TokenFile { tokens })
    }

    /// Adds one token.
    pub fn insert(&mut self, token: String, user: UserInfo) {
        self.tokens.insert(token, user);
    }

    /// The user of `token`.
    pub fn lookup(&self, token: &str) -> Option<&UserInfo> {
        self.tokens.get(token)
    }
}

// --- client certificates --------------------------------------------------------------------

/// One DER TLV: (tag, contents, rest).
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)? as usize;
    let (len, hdr) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *b.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = hdr.checked_add(len)?;
    Some((tag, b.get(hdr..end)?, b.get(end..)?))
}

const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_O: &[u8] = &[0x55, 0x04, 0x0a];

/// The subject's common name and organizations of a DER certificate.
pub fn cert_subject(der: &[u8]) -> Option<(String, Vec<String>)> {
    let (_, cert, _) = tlv(der)?;
    let (_, tbs, _) = tlv(cert)?;
    let mut rest = tbs;
    // Optional [0] version.
    if rest.first() == Some(&0xa0) {
        rest = tlv(rest)?.2;
    }
    // serial, signature algorithm, issuer, validity, then the subject.
    for _ in 0..4 {
        rest = tlv(rest)?.2;
    }
    let (_, mut subject, _) = tlv(rest)?;
    let (mut cn, mut orgs) = (None, Vec::new());
    while !subject.is_empty() {
        let (_, mut set, next) = tlv(subject)?;
        subject = next;
        while !set.is_empty() {
            let (_, atv, next) = tlv(set)?;
            set = next;
            let (_, oid, value) = tlv(atv)?;
            let (_, text, _) = tlv(value)?;
            let text = String::from_utf8_lossy(text).into_owned();
            if oid == OID_CN {
                cn = Some(text);
            } else if oid == OID_O {
                orgs.push(text);
            }
        }
    }
    Some((cn?, orgs))
}

/// The user of a (TLS-verified) client certificate.
pub fn cert_user(der: &[u8]) -> Option<UserInfo> {
    let (name, mut groups) = cert_subject(der)?;
    if name.is_empty() {
        return None;
    }
    groups.push("system:authenticated".into());
    Some(UserInfo { name, uid: String::new(), groups })
}

// --- ServiceAccount tokens ------------------------------------------------------------------

/// Signs and verifies ServiceAccount tokens (compact JWS, HS256) with a per-server key.
#[derive(Clone)]
pub struct TokenSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSigner(..)")
    }
}

fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> Option<Vec<u8>> {
    use rustls::crypto::tls13::OkmBlock;
    match rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256 {
        rustls::SupportedCipherSuite::Tls13(suite) => {
            Some(suite.hkdf_provider.hmac_sign(&OkmBlock::new(key), msg).as_ref().to_vec())
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// Compares in time independent of where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Random bytes from the TLS provider's generator.
pub fn random_bytes(n: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; n];
    rustls::crypto::ring::default_provider().secure_random.fill(&mut buf).ok()?;
    Some(buf)
}

/// A random token: 32 random bytes, URL-safe base64.
pub fn random_token() -> Option<String> {
    random_bytes(32).map(|b| b64(&b))
}

/// The issuer claim of tokens this server signs.
pub const ISSUER: &str = "https://kubernetes.default.svc.cluster.local";

/// Why a persisted signing key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// Reading or writing failed.
    #[error("{path}: {err}")]
    Io {
        /// The key file.
        path: String,
        /// The error.
        err: std::io::Error,
    },
    /// The file is not a key this server wrote.
    #[error("{0}: not a ServiceAccount signing key (expected {KEY_LEN} bytes)")]
    Invalid(String),
    /// Others may read the file.
    #[error("{0}: the ServiceAccount signing key is readable by other users; chmod 600 it")]
    Exposed(String),
    /// No random source.
    #[error("cannot generate a signing key")]
    Random,
}

/// The length of a signing key.
pub const KEY_LEN: usize = 32;

impl TokenSigner {
    /// A signer with a fresh random key.
    pub fn random() -> Option<TokenSigner> {
        random_bytes(KEY_LEN).map(|key| TokenSigner { key })
    }

    /// The signer whose key is kept in `path` (created with mode 0600 on first use), so that
    /// tokens issued before a restart still authenticate after it. A key file others can read
    /// is refused.
    pub fn load_or_create(path: &std::path::Path) -> Result<TokenSigner, KeyFileError> {
        let shown = path.display().to_string();
        let io = |err| KeyFileError::Io { path: shown.clone(), err };
        match std::fs::read(path) {
            Ok(key) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt as _;
                    let mode = std::fs::metadata(path).map_err(io)?.permissions().mode();
                    if mode & 0o077 != 0 {
                        return Err(KeyFileError::Exposed(shown));
                    }
                }
                if key.len() != KEY_LEN {
                    return Err(KeyFileError::Invalid(shown));
                }
                Ok(TokenSigner { key })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                use std::io::Write as _;
                let key = random_bytes(KEY_LEN).ok_or(KeyFileError::Random)?;
                let mut opts = std::fs::OpenOptions::new();
                opts.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
                let mut f = opts.open(path).map_err(io)?;
                f.write_all(&key).and_then(|()| f.sync_all()).map_err(io)?;
                Ok(TokenSigner { key })
            }
            Err(e) => Err(io(e)),
        }
    }

    /// A signed token for ServiceAccount `sa` (its stored object), valid until `exp` (Unix s).
    pub fn issue(&self, sa: &Value, iat: i64, exp: i64, audiences: &[String]) -> Option<String> {
        let ns = sa["metadata"]["namespace"].as_str()?;
        let name = sa["metadata"]["name"].as_str()?;
        let uid = sa["metadata"]["uid"].as_str().unwrap_or_default();
        let header = json!({"alg": "HS256", "typ": "JWT"});
        let claims = json!({
            "iss": ISSUER, "aud": audiences, "iat": iat, "nbf": iat, "exp": exp,
            "sub": format!("system:serviceaccount:{ns}:{name}"),
            "kubernetes.io": {"namespace": ns, "serviceaccount": {"name": name, "uid": uid}},
        });
        let signing = format!(
            "{}.{}",
            b64(&serde_json::to_vec(&header).ok()?),
            b64(&serde_json::to_vec(&claims).ok()?)
        );
        let sig = hmac_sha256(&self.key, signing.as_bytes())?;
        Some(format!("{signing}.{}", b64(&sig)))
    }

    /// The user of `token` if its signature is ours, it has not expired, and the
    /// ServiceAccount it names still exists with the same uid.
    pub fn verify(&self, server: &ApiServer, token: &str, now: i64) -> Option<UserInfo> {
        let (signing, sig) = token.rsplit_once('.')?;
        let (_, claims) = signing.split_once('.')?;
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(sig).ok()?;
        if !same(&hmac_sha256(&self.key, signing.as_bytes())?, &sig) {
            return None;
        }
        let claims: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(claims).ok()?,
        )
        .ok()?;
        if claims["exp"].as_i64()? <= now {
            return None;
        }
        let k = &claims["kubernetes.io"];
        let ns = k["namespace"].as_str()?;
        let name = k["serviceaccount"]["name"].as_str()?;
        let uid = k["serviceaccount"]["uid"].as_str()?;
        let stored = server.store().get(&Key::new("serviceaccounts", ns, name)).ok()??.value();
        if stored["metadata"]["uid"].as_str() != Some(uid)
            || stored["metadata"]["deletionTimestamp"].is_string()
        {
            return None;
        }
        Some(UserInfo {
            name: format!("system:serviceaccount:{ns}:{name}"),
            uid: uid.to_string(),
            groups: vec![
                "system:serviceaccounts".into(),
                format!("system:serviceaccounts:{ns}"),
                "system:authenticated".into(),
            ],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_file() {
        let f = TokenFile::parse("# c\nt1,alice,u1,\"dev,ops\"\n\nt2,bob,u2\n").unwrap();
        let a = f.lookup("t1").unwrap();
        assert_eq!(a.groups, vec!["dev", "ops", "system:authenticated"]);
        assert_eq!(f.lookup("t2").unwrap().name, "bob");
        assert!(f.lookup("t3").is_none());
        assert!(TokenFile::parse("only,two").is_err());
        assert!(!format!("{f:?}").contains("t1"));
    }

    #[test]
    fn hmac_known_answer() {
        // RFC 4231 test case 2.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?").unwrap();
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
