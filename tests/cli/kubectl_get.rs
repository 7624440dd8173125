//! Real kubectl `get` against `kctl serve`: server-side Tables, `-o yaml|json|name`, `-l`,
//! `-A`, NotFound and empty lists.

use crate::common::{TestEnv, testdata, transcript};

#[test]
fn get_formats_and_selectors() {
    let env = TestEnv::serve();
    env.write("deploy.yaml", &testdata("deploy.yaml"));
    env.write("cms.yaml", &testdata("cms.yaml"));
    let setup =
        [env.kubectl(&["apply", "-f", "deploy.yaml"]), env.kubectl(&["apply", "-f", "cms.yaml"])];
    assert!(setup.iter().all(|r| r.code == 0), "{}", transcript(&setup));
    let runs = vec![
        env.kubectl(&["get", "deployments"]),
        env.kubectl(&["get", "deploy", "nginx"]),
        env.kubectl(&["get", "cm", "-o", "wide"]),
        env.kubectl(&["get", "cm", "-A"]),
        env.kubectl(&["get", "cm", "-l", "app=demo"]),
        env.kubectl(&["get", "cm", "-l", "app in (x, y)"]),
        env.kubectl(&["get", "cm", "cm1", "-o", "yaml"]),
        env.kubectl(&["get", "cm", "-o", "yaml"]),
        env.kubectl(&["get", "cm", "-o", "json"]),
        env.kubectl(&["get", "cm", "-o", "name"]),
        env.kubectl(&["get", "deploy", "nope"]),
        env.kubectl(&["get", "pods"]),
        env.kubectl(&["get", "ns"]),
        env.kubectl(&["get", "all"]),
    ];
    let codes: Vec<i32> = runs.iter().map(|r| r.code).collect();
    assert_eq!(codes, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], "{}", transcript(&runs));
    insta::assert_snapshot!(transcript(&runs));
}
