//! The built-in patch metadata table: for every built-in type on a path to a field with a
//! patch strategy or merge key, the fields that lead there or carry metadata. Type names
//! are the OpenAPI definition names, so the table can be checked against the published
//! schemas (see the `table_matches_openapi_v3` test). Where published documents of
//! different Kubernetes versions disagree, the table follows the newest: for example
//! `LabelSelectorRequirement.key` no longer declares a (meaningless) merge strategy.

use super::{Field, Kind, TypeDef};

const META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// Built-in types, sorted by name.
pub(super) static TYPES: &[TypeDef] = &[
    TypeDef {
        name: "io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("webhooks", None, "merge", "name"),
        ],
    },
    TypeDef {
        name: "io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("webhooks", None, "merge", "name"),
        ],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.ControllerRevision",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.DaemonSet",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.apps.v1.DaemonSetSpec"), "", ""),
            Field::new("status", Some("io.k8s.api.apps.v1.DaemonSetStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.DaemonSetSpec",
        fields: &[Field::new("template", Some("io.k8s.api.core.v1.PodTemplateSpec"), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.DaemonSetStatus",
        fields: &[Field::new("conditions", None, "merge", "type")],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.Deployment",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.apps.v1.DeploymentSpec"), "", ""),
            Field::new("status", Some("io.k8s.api.apps.v1.DeploymentStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.DeploymentSpec",
        fields: &[
            Field::new("strategy", None, "retainKeys", ""),
            Field::new("template", Some("io.k8s.api.core.v1.PodTemplateSpec"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.DeploymentStatus",
        fields: &[Field::new("conditions", None, "merge", "type")],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.ReplicaSet",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.apps.v1.ReplicaSetSpec"), "", ""),
            Field::new("status", Some("io.k8s.api.apps.v1.ReplicaSetStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.ReplicaSetSpec",
        fields: &[Field::new("template", Some("io.k8s.api.core.v1.PodTemplateSpec"), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.ReplicaSetStatus",
        fields: &[Field::new("conditions", None, "merge", "type")],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.StatefulSet",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.apps.v1.StatefulSetSpec"), "", ""),
            Field::new("status", Some("io.k8s.api.apps.v1.StatefulSetStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.StatefulSetSpec",
        fields: &[
            Field::new("template", Some("io.k8s.api.core.v1.PodTemplateSpec"), "", ""),
            Field::new(
                "volumeClaimTemplates",
                Some("io.k8s.api.core.v1.PersistentVolumeClaim"),
                "",
                "",
            ),
        ],
    },
    TypeDef {
        name: "io.k8s.api.apps.v1.StatefulSetStatus",
        fields: &[Field::new("conditions", None, "merge", "type")],
    },
    TypeDef {
        name: "io.k8s.api.authentication.v1.TokenRequest",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.autoscaling.v1.Scale",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new(
                "status",
                Some("io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus"),
                "",
                "",
            ),
        ],
    },
    TypeDef {
        name: "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus",
        fields: &[Field::new("conditions", None, "merge", "type")],
    },
    TypeDef {
        name: "io.k8s.api.batch.v1.CronJob",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.batch.v1.CronJobSpec"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.batch.v1.CronJobSpec",
        fields: &[Field::new("jobTemplate", Some("io.k8s.api.batch.v1.JobTemplateSpec"), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.batch.v1.Job",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.batch.v1.JobSpec"), "", ""),
            Field::new("status", Some("io.k8s.api.batch.v1.JobStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.batch.v1.JobSpec",
        fields: &[Field::new("template", Some("io.k8s.api.core.v1.PodTemplateSpec"), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.batch.v1.JobStatus",
        fields: &[Field::new("conditions", None, "merge", "type")],
    },
    TypeDef {
        name: "io.k8s.api.batch.v1.JobTemplateSpec",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.batch.v1.JobSpec"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.Binding",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.ComponentStatus",
        fields: &[
            Field::new("conditions", None, "merge", "type"),
            Field::new("metadata", Some(META), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.ConfigMap",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.Container",
        fields: &[
            Field::new("env", None, "merge", "name"),
            Field::new("ports", None, "merge", "containerPort"),
            Field::new("volumeDevices", None, "merge", "devicePath"),
            Field::new("volumeMounts", None, "merge", "mountPath"),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.Endpoints",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.EphemeralContainer",
        fields: &[
            Field::new("env", None, "merge", "name"),
            Field::new("ports", None, "merge", "containerPort"),
            Field::new("volumeDevices", None, "merge", "devicePath"),
            Field::new("volumeMounts", None, "merge", "mountPath"),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.EphemeralVolumeSource",
        fields: &[Field::new(
            "volumeClaimTemplate",
            Some("io.k8s.api.core.v1.PersistentVolumeClaimTemplate"),
            "",
            "",
        )],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.Event",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.LimitRange",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.Namespace",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("status", Some("io.k8s.api.core.v1.NamespaceStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.NamespaceStatus",
        fields: &[Field::new("conditions", None, "merge", "type")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.Node",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.core.v1.NodeSpec"), "", ""),
            Field::new("status", Some("io.k8s.api.core.v1.NodeStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.NodeSpec",
        fields: &[Field::new("podCIDRs", None, "merge", "")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.NodeStatus",
        fields: &[
            Field::new("addresses", None, "merge", "type"),
            Field::new("conditions", None, "merge", "type"),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.PersistentVolume",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.PersistentVolumeClaim",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("status", Some("io.k8s.api.core.v1.PersistentVolumeClaimStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.PersistentVolumeClaimStatus",
        fields: &[Field::new("conditions", None, "merge", "type")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.PersistentVolumeClaimTemplate",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.Pod",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.core.v1.PodSpec"), "", ""),
            Field::new("status", Some("io.k8s.api.core.v1.PodStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.PodSpec",
        fields: &[
            Field::new("containers", Some("io.k8s.api.core.v1.Container"), "merge", "name"),
            Field::new(
                "ephemeralContainers",
                Some("io.k8s.api.core.v1.EphemeralContainer"),
                "merge",
                "name",
            ),
            Field::new("hostAliases", None, "merge", "ip"),
            Field::new("imagePullSecrets", None, "merge", "name"),
            Field::new("initContainers", Some("io.k8s.api.core.v1.Container"), "merge", "name"),
            Field::new("resourceClaims", None, "merge,retainKeys", "name"),
            Field::new("schedulingGates", None, "merge", "name"),
            Field::new("topologySpreadConstraints", None, "merge", "topologyKey"),
            Field::new("volumes", Some("io.k8s.api.core.v1.Volume"), "merge,retainKeys", "name"),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.PodStatus",
        fields: &[
            Field::new("conditions", None, "merge", "type"),
            Field::new("podIPs", None, "merge", "ip"),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.PodTemplate",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("template", Some("io.k8s.api.core.v1.PodTemplateSpec"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.PodTemplateSpec",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.core.v1.PodSpec"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.ReplicationController",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.core.v1.ReplicationControllerSpec"), "", ""),
            Field::new("status", Some("io.k8s.api.core.v1.ReplicationControllerStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.ReplicationControllerSpec",
        fields: &[Field::new("template", Some("io.k8s.api.core.v1.PodTemplateSpec"), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.ReplicationControllerStatus",
        fields: &[Field::new("conditions", None, "merge", "type")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.ResourceQuota",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.Secret",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.Service",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.core.v1.ServiceSpec"), "", ""),
            Field::new("status", Some("io.k8s.api.core.v1.ServiceStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.ServiceAccount",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("secrets", None, "merge", "name"),
        ],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.ServiceSpec",
        fields: &[Field::new("ports", None, "merge", "port")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.ServiceStatus",
        fields: &[Field::new("conditions", None, "merge", "type")],
    },
    TypeDef {
        name: "io.k8s.api.core.v1.Volume",
        fields: &[Field::new(
            "ephemeral",
            Some("io.k8s.api.core.v1.EphemeralVolumeSource"),
            "",
            "",
        )],
    },
    TypeDef {
        name: "io.k8s.api.policy.v1.Eviction",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
    TypeDef {
        name: "io.k8s.api.policy.v1.PodDisruptionBudget",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("status", Some("io.k8s.api.policy.v1.PodDisruptionBudgetStatus"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.policy.v1.PodDisruptionBudgetStatus",
        fields: &[Field::new("conditions", None, "merge", "type")],
    },
    TypeDef {
        name: "io.k8s.api.storage.v1.CSINode",
        fields: &[
            Field::new("metadata", Some(META), "", ""),
            Field::new("spec", Some("io.k8s.api.storage.v1.CSINodeSpec"), "", ""),
        ],
    },
    TypeDef {
        name: "io.k8s.api.storage.v1.CSINodeSpec",
        fields: &[Field::new("drivers", None, "merge", "name")],
    },
    TypeDef {
        name: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        fields: &[
            Field::new("finalizers", None, "merge", ""),
            Field::new("ownerReferences", None, "merge", "uid"),
        ],
    },
    TypeDef {
        name: "kctl.builtin.MetadataOnly",
        fields: &[Field::new("metadata", Some(META), "", "")],
    },
];

/// Built-in kinds and their root types, sorted by (group, version, kind). Kinds listed
/// with `META_ONLY` carry patch metadata only in `metadata`.
pub(super) static KINDS: &[Kind] = &[
    Kind::new("", "v1", "Binding", "io.k8s.api.core.v1.Binding"),
    Kind::new("", "v1", "ComponentStatus", "io.k8s.api.core.v1.ComponentStatus"),
    Kind::new("", "v1", "ConfigMap", "io.k8s.api.core.v1.ConfigMap"),
    Kind::new("", "v1", "Endpoints", "io.k8s.api.core.v1.Endpoints"),
    Kind::new("", "v1", "Event", "io.k8s.api.core.v1.Event"),
    Kind::new("", "v1", "LimitRange", "io.k8s.api.core.v1.LimitRange"),
    Kind::new("", "v1", "Namespace", "io.k8s.api.core.v1.Namespace"),
    Kind::new("", "v1", "Node", "io.k8s.api.core.v1.Node"),
    Kind::new("", "v1", "PersistentVolume", "io.k8s.api.core.v1.PersistentVolume"),
    Kind::new("", "v1", "PersistentVolumeClaim", "io.k8s.api.core.v1.PersistentVolumeClaim"),
    Kind::new("", "v1", "Pod", "io.k8s.api.core.v1.Pod"),
    Kind::new("", "v1", "PodTemplate", "io.k8s.api.core.v1.PodTemplate"),
    Kind::new("", "v1", "ReplicationController", "io.k8s.api.core.v1.ReplicationController"),
    Kind::new("", "v1", "ResourceQuota", "io.k8s.api.core.v1.ResourceQuota"),
    Kind::new("", "v1", "Secret", "io.k8s.api.core.v1.Secret"),
    Kind::new("", "v1", "Service", "io.k8s.api.core.v1.Service"),
    Kind::new("", "v1", "ServiceAccount", "io.k8s.api.core.v1.ServiceAccount"),
    Kind::new(
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration",
    ),
    Kind::new(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration",
    ),
    Kind::new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", META_ONLY),
    Kind::new("apps", "v1", "ControllerRevision", "io.k8s.api.apps.v1.ControllerRevision"),
    Kind::new("apps", "v1", "DaemonSet", "io.k8s.api.apps.v1.DaemonSet"),
    Kind::new("apps", "v1", "Deployment", "io.k8s.api.apps.v1.Deployment"),
    Kind::new("apps", "v1", "ReplicaSet", "io.k8s.api.apps.v1.ReplicaSet"),
    Kind::new("apps", "v1", "StatefulSet", "io.k8s.api.apps.v1.StatefulSet"),
    Kind::new(
        "authentication.k8s.io",
        "v1",
        "TokenRequest",
        "io.k8s.api.authentication.v1.TokenRequest",
    ),
    Kind::new(
        "autoscaling",
        "v1",
        "HorizontalPodAutoscaler",
        "io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler",
    ),
    Kind::new("autoscaling", "v1", "Scale", "io.k8s.api.autoscaling.v1.Scale"),
    Kind::new(
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
    ),
    Kind::new("batch", "v1", "CronJob", "io.k8s.api.batch.v1.CronJob"),
    Kind::new("batch", "v1", "Job", "io.k8s.api.batch.v1.Job"),
    Kind::new("certificates.k8s.io", "v1", "CertificateSigningRequest", META_ONLY),
    Kind::new("coordination.k8s.io", "v1", "Lease", META_ONLY),
    Kind::new("discovery.k8s.io", "v1", "EndpointSlice", META_ONLY),
    Kind::new("events.k8s.io", "v1", "Event", META_ONLY),
    Kind::new("networking.k8s.io", "v1", "Ingress", META_ONLY),
    Kind::new("networking.k8s.io", "v1", "IngressClass", META_ONLY),
    Kind::new("networking.k8s.io", "v1", "NetworkPolicy", META_ONLY),
    Kind::new("node.k8s.io", "v1", "RuntimeClass", META_ONLY),
    Kind::new("policy", "v1", "Eviction", "io.k8s.api.policy.v1.Eviction"),
    Kind::new("policy", "v1", "PodDisruptionBudget", "io.k8s.api.policy.v1.PodDisruptionBudget"),
    Kind::new("rbac.authorization.k8s.io", "v1", "ClusterRole", META_ONLY),
    Kind::new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", META_ONLY),
    Kind::new("rbac.authorization.k8s.io", "v1", "Role", META_ONLY),
    Kind::new("rbac.authorization.k8s.io", "v1", "RoleBinding", META_ONLY),
    Kind::new("scheduling.k8s.io", "v1", "PriorityClass", META_ONLY),
    Kind::new("storage.k8s.io", "v1", "CSIDriver", META_ONLY),
    Kind::new("storage.k8s.io", "v1", "CSINode", "io.k8s.api.storage.v1.CSINode"),
    Kind::new("storage.k8s.io", "v1", "CSIStorageCapacity", META_ONLY),
    Kind::new("storage.k8s.io", "v1", "StorageClass", META_ONLY),
    Kind::new("storage.k8s.io", "v1", "VolumeAttachment", META_ONLY),
];

/// Root type of kinds whose only patch metadata is in `metadata`.
const META_ONLY: &str = "kctl.builtin.MetadataOnly";
