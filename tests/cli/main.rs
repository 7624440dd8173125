mod bad_manifests;
