//! Injectable time and identity: the [`Clock`] behind `creationTimestamp`/`deletionTimestamp`
//! and Table ages, and the [`UidSource`] behind `metadata.uid` and `generateName` suffixes.
//! Tests use [`FixedClock`] and [`SeededUids`] so responses are byte-for-byte reproducible.

use chrono::{DateTime, SecondsFormat, Utc};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock frozen at one instant.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A clock that stays where it is set: tests move it to drive CronJob schedules, Job
/// deadlines and back-off. Clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock(std::sync::Arc<std::sync::Mutex<DateTime<Utc>>>);

impl ManualClock {
    /// A clock at `t`.
    pub fn new(t: DateTime<Utc>) -> ManualClock {
        ManualClock(std::sync::Arc::new(std::sync::Mutex::new(t)))
    }

    /// Moves the clock to `t`.
    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = t;
    }

    /// Moves the clock forward by `d`.
    pub fn advance(&self, d: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *t += d;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Formats a time as Kubernetes does in object metadata: RFC 3339, whole seconds, `Z`.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The 36-character UUID text of the 128 bits `hi ++ lo`: lowercase hex digits grouped
/// 8-4-4-4-12 (written digit by digit: a uid is made for every create).
fn uuid_text(hi: u64, lo: u64) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for i in 0..32 {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        let word = if i < 16 { hi } else { lo };
        let digit = (word >> (60 - 4 * (i % 16))) & 0xf;
        out.push(char::from(HEX[digit as usize]));
    }
    out
}

/// A source of object uids and random name suffixes.
pub trait UidSource: Send + Sync + 'static {
    /// 64 fresh bits.
    fn next_u64(&self) -> u64;

    /// A version-4-shaped UUID string.
    fn uid(&self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        let b = (b & 0x0fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
        uuid_text(a, b)
    }

    /// The five-character suffix kube-apiserver appends to `generateName`.
    fn name_suffix(&self) -> String {
        // The alphabet kube-apiserver uses: no vowels, no easily confused characters.
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        let mut n = self.next_u64();
        (0..5)
            .map(|_| {
                let c = ALPHABET[(n % ALPHABET.len() as u64) as usize] as char;
                n /= ALPHABET.len() as u64;
                c
            })
            .collect()
    }
}

/// Random uids: a counter mixed with a per-process random key (std's hasher seed).
#[derive(Debug)]
pub struct RandomUids {
    key: std::collections::hash_map::RandomState,
    counter: AtomicU64,
}

impl Default for RandomUids {
    fn default() -> Self {
        let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default() as u64;
        RandomUids { key: Default::default(), counter: AtomicU64::new(nanos) }
    }
}

impl UidSource for RandomUids {
    fn next_u64(&self) -> u64 {
        let mut h = self.key.build_hasher();
        h.write_u64(self.counter.fetch_add(1, Ordering::Relaxed));
        h.finish()
    }
}

/// Deterministic uids from a seed (splitmix64), for reproducible tests.
#[derive(Debug)]
pub struct SeededUids {
    state: AtomicU64,
}

impl SeededUids {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SeededUids {
        SeededUids { state: AtomicU64::new(seed) }
    }
}

impl UidSource for SeededUids {
    fn next_u64(&self) -> u64 {
        let mut z = self
            .state
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// Formats an age the way kube-apiserver's Table printer does (`apimachinery` `HumanDuration`).
pub fn human_duration(d: chrono::Duration) -> String {
    let secs = d.num_seconds();
    if secs < -1 {
        return "<invalid>".into();
    }
    if secs < 0 {
        return "0s".into();
    }
    let minutes = secs / 60;
    let hours = secs / 3600;
    let days = hours / 24;
    let years = days / 365;
    if secs < 120 {
        format!("{secs}s")
    } else if minutes < 10 {
        let s = secs % 60;
        if s == 0 { format!("{minutes}m") } else { format!("{minutes}m{s}s") }
    } else if hours < 3 {
        format!("{minutes}m")
    } else if hours < 8 {
        let m = minutes % 60;
        if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") }
    } else if hours < 48 {
        format!("{hours}h")
    } else if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 { format!("{days}d") } else { format!("{days}d{h}h") }
    } else if hours < 24 * 365 * 2 {
        format!("{days}d")
    } else if hours < 24 * 365 * 8 {
        let dy = days % 365;
        if dy == 0 { format!("{years}y") } else { format!("{years}y{dy}d") }
    } else {
        format!("{years}y")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_uids_are_reproducible_and_uuid_shaped() {
        let a = SeededUids::new(7).uid();
        assert_eq!(a, SeededUids::new(7).uid());
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert_eq!(SeededUids::new(1).name_suffix().len(), 5);
    }

    #[test]
    fn uuid_text_matches_the_formatted_groups() {
        let uids = SeededUids::new(42);
        let mut cases =
            vec![(0, 0), (u64::MAX, u64::MAX), (0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210)];
        cases.extend((0..500).map(|_| (uids.next_u64(), uids.next_u64())));
        for (a, b) in cases {
            let want = format!(
                "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xffff,
                b >> 48,
                b & 0xffff_ffff_ffff
            );
            assert_eq!(uuid_text(a, b), want);
        }
    }

    #[test]
    fn ages_match_kubectl() {
        let s = |n| human_duration(chrono::Duration::seconds(n));
        assert_eq!(s(5), "5s");
        assert_eq!(s(150), "2m30s");
        assert_eq!(s(3600), "60m");
        assert_eq!(s(5 * 3600 + 60), "5h1m");
        assert_eq!(s(3 * 86400 + 3600), "3d1h");
    }
}
