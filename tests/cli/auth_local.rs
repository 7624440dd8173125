//! Without `--auth` (plain `kctl serve` on loopback, and the embedded local cluster, which
//! runs the same router in-process) every caller is the single local user, a member of
//! `system:masters`: access reviews say yes, and the body limit still holds.

use crate::common::TestEnv;

#[test]
fn without_auth_everyone_is_the_local_admin() {
    for env in [TestEnv::serve(), TestEnv::in_process()] {
        let r = env.kctl(&["auth", "whoami"]);
        assert_eq!(r.code, 0, "{r}");
        assert!(
            r.stdout.contains("kctl-admin")
                && r.stdout.contains("[system:masters system:authenticated]"),
            "{r}"
        );
        let r = env.kubectl(&["auth", "can-i", "delete", "secrets", "-A"]);
        assert_eq!((r.code, r.stdout.as_str()), (0, "yes\n"), "{r}");
        let r = env.kctl(&["auth", "can-i", "*", "*"]);
        assert_eq!((r.code, r.stdout.as_str()), (0, "yes\n"), "{r}");
        let r = env.kctl(&["auth", "can-i", "--list"]);
        assert!(r.stdout.contains("*.*"), "{r}");
    }
}
