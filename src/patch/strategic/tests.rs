//! Unit tests naming each strategy and directive of strategic merge patch, against a small
//! OpenAPI v2 schema written here.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{apply, create_three_way, create_two_way};
use crate::patch::PatchError;
use crate::patch::schema::{LookupPatchMeta, openapi_v2, openapi_v3};

fn schema() -> Arc<dyn LookupPatchMeta> {
    let item = |extra: Value| {
        let mut props = json!({
            "name": {"type": "string"},
            "value": {"type": "string"},
            "list": {"type": "array", "items": {"$ref": "#/definitions/item"},
                     "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name"},
            "atomic": {"type": "array", "items": {"$ref": "#/definitions/item"}},
            "ints": {"type": "array", "items": {"type": "integer"}, "x-kubernetes-patch-strategy": "merge"},
            "replaced": {"$ref": "#/definitions/item", "x-kubernetes-patch-strategy": "replace"},
            "retained": {"$ref": "#/definitions/item", "x-kubernetes-patch-strategy": "retainKeys"},
            "retainedList": {"type": "array", "items": {"$ref": "#/definitions/item"},
                             "x-kubernetes-patch-strategy": "merge,retainKeys",
                             "x-kubernetes-patch-merge-key": "name"},
            "map": {"type": "object", "additionalProperties": {"type": "string"}},
        });
        if let (Some(p), Some(e)) = (props.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        json!({"properties": props})
    };
    let doc = json!({"definitions": {"item": item(json!({}))}});
    openapi_v2::from_document(&doc, "#/definitions/item").unwrap()
}

fn two_way_round_trip(original: Value, modified: Value, patch: Value) {
    let meta = schema();
    let got = create_two_way(&original, &modified, &*meta).unwrap();
    assert_eq!(got, patch);
    assert_eq!(apply(&original, &got, &*meta).unwrap(), modified);
}

#[test]
fn null_deletes_a_field() {
    two_way_round_trip(
        json!({"name": "a", "value": "b"}),
        json!({"name": "a"}),
        json!({"value": null}),
    );
    let meta = schema();
    let got = apply(&json!({"name": "a"}), &json!({"value": null}), &*meta).unwrap();
    assert_eq!(got, json!({"name": "a"}), "a null with nothing to delete is dropped");
}

#[test]
fn strategy_merge_list_of_maps_by_merge_key() {
    two_way_round_trip(
        json!({"list": [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}]}),
        json!({"list": [{"name": "a", "value": "1"}, {"name": "b", "value": "3"}]}),
        json!({
            "$setElementOrder/list": [{"name": "a"}, {"name": "b"}],
            "list": [{"name": "b", "value": "3"}],
        }),
    );
}

#[test]
fn strategy_merge_primitive_list_and_delete_from_primitive_list() {
    two_way_round_trip(
        json!({"ints": [1, 2, 3]}),
        json!({"ints": [1, 3, 4]}),
        json!({"$deleteFromPrimitiveList/ints": [2], "$setElementOrder/ints": [1, 3, 4], "ints": [4]}),
    );
}

#[test]
fn delete_from_primitive_list_applies_to_any_list() {
    let meta = schema();
    let got =
        apply(&json!({"ints": [1, 2, 3]}), &json!({"$deleteFromPrimitiveList/ints": [2]}), &*meta);
    assert_eq!(got.unwrap(), json!({"ints": [1, 3]}));
}

#[test]
fn atomic_list_is_replaced_whole() {
    two_way_round_trip(
        json!({"atomic": [{"name": "a"}, {"name": "b"}]}),
        json!({"atomic": [{"name": "b"}]}),
        json!({"atomic": [{"name": "b"}]}),
    );
}

#[test]
fn strategy_replace_sends_the_whole_value() {
    two_way_round_trip(
        json!({"replaced": {"name": "a", "value": "1"}}),
        json!({"replaced": {"name": "a"}}),
        json!({"replaced": {"name": "a"}}),
    );
}

#[test]
fn strategy_retain_keys_on_a_map() {
    two_way_round_trip(
        json!({"retained": {"name": "a", "value": "1"}}),
        json!({"retained": {"name": "b"}}),
        json!({"retained": {"$retainKeys": ["name"], "name": "b", "value": null}}),
    );
}

#[test]
fn strategy_merge_retain_keys_on_a_list() {
    two_way_round_trip(
        json!({"retainedList": [{"name": "a", "value": "1"}]}),
        json!({"retainedList": [{"name": "a", "ints": [1]}]}),
        json!({
            "$setElementOrder/retainedList": [{"name": "a"}],
            "retainedList": [{"$retainKeys": ["ints", "name"], "ints": [1], "name": "a", "value": null}],
        }),
    );
}

#[test]
fn retain_keys_directive_clears_unlisted_fields() {
    let meta = schema();
    let doc = json!({"retained": {"name": "a", "value": "1", "list": []}});
    let got = apply(&doc, &json!({"retained": {"$retainKeys": ["name"]}}), &*meta).unwrap();
    assert_eq!(got, json!({"retained": {"name": "a"}}));
    let bad = apply(&doc, &json!({"retained": {"$retainKeys": ["name"], "value": "x"}}), &*meta);
    assert!(matches!(bad, Err(PatchError::InvalidDirective { .. })), "{bad:?}");
}

#[test]
fn patch_replace_directive_on_a_map_and_in_a_list() {
    let meta = schema();
    let doc = json!({"map": {"a": "1"}, "list": [{"name": "a"}, {"name": "b"}]});
    let got = apply(&doc, &json!({"map": {"$patch": "replace", "b": "2"}}), &*meta).unwrap();
    assert_eq!(got["map"], json!({"b": "2"}));
    let got =
        apply(&doc, &json!({"list": [{"$patch": "replace"}, {"name": "c"}]}), &*meta).unwrap();
    assert_eq!(got["list"], json!([{"name": "c"}]));
}

#[test]
fn patch_delete_directive_on_a_map_and_in_a_list() {
    let meta = schema();
    let doc = json!({"map": {"a": "1"}, "list": [{"name": "a"}, {"name": "b"}]});
    let got = apply(&doc, &json!({"map": {"$patch": "delete"}}), &*meta).unwrap();
    assert_eq!(got["map"], json!({}));
    let got = apply(&doc, &json!({"list": [{"$patch": "delete", "name": "a"}]}), &*meta).unwrap();
    assert_eq!(got["list"], json!([{"name": "b"}]));
}

#[test]
fn patch_merge_directive_in_a_list_is_rejected() {
    let meta = schema();
    let got =
        apply(&json!({"list": [{"name": "a"}]}), &json!({"list": [{"$patch": "merge"}]}), &*meta);
    assert!(matches!(got, Err(PatchError::InvalidDirective { .. })), "{got:?}");
}

#[test]
fn set_element_order_orders_the_merged_list() {
    let meta = schema();
    let doc = json!({"list": [{"name": "a"}, {"name": "b"}, {"name": "server"}]});
    let patch = json!({"$setElementOrder/list": [{"name": "b"}, {"name": "a"}]});
    let got = apply(&doc, &patch, &*meta).unwrap();
    assert_eq!(got["list"], json!([{"name": "b"}, {"name": "a"}, {"name": "server"}]));
}

#[test]
fn set_element_order_must_match_the_patch_list() {
    let meta = schema();
    let patch = json!({
        "$setElementOrder/list": [{"name": "a"}, {"name": "b"}],
        "list": [{"name": "b"}, {"name": "a"}],
    });
    let got = apply(&json!({}), &patch, &*meta);
    assert!(matches!(got, Err(PatchError::OrderMismatch { .. })), "{got:?}");
    assert!(got.unwrap_err().to_string().contains("doesn't match"));
}

#[test]
fn missing_merge_key_names_the_path() {
    let meta = schema();
    let doc = json!({"retained": {"list": [{"name": "a"}]}});
    let err = apply(
        &doc,
        &json!({"retained": {"$retainKeys": ["list"], "list": [{"value": "x"}]}}),
        &*meta,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "retained.list[0]: does not contain declared merge key \"name\"");
}

#[test]
fn three_way_keeps_server_fields_and_deletes_removed_ones() {
    let meta = schema();
    let original = json!({"name": "a", "value": "1"});
    let modified = json!({"name": "a"});
    let current = json!({"name": "a", "value": "1", "list": [{"name": "server"}]});
    let patch = create_three_way(&original, &modified, &current, &*meta, false).unwrap();
    assert_eq!(patch, json!({"value": null}));
    assert_eq!(
        apply(&current, &patch, &*meta).unwrap(),
        json!({"name": "a", "list": [{"name": "server"}]})
    );
}

#[test]
fn three_way_conflict_and_overwrite() {
    let meta = schema();
    let original = json!({"value": "1"});
    let modified = json!({"value": "2"});
    let current = json!({"value": "3"});
    let err = create_three_way(&original, &modified, &current, &*meta, false).unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let patch = create_three_way(&original, &modified, &current, &*meta, true).unwrap();
    assert_eq!(patch, json!({"value": "2"}));
}

#[test]
fn numbers_are_kept_exactly() {
    let meta = schema();
    let doc: Value =
        serde_json::from_str(r#"{"i": 9223372036854775807, "f": 1.7976931348623157e308}"#).unwrap();
    let patched = apply(&doc, &json!({"name": "x"}), &*meta).unwrap();
    assert_eq!(patched["i"].as_i64(), Some(i64::MAX));
    assert_eq!(patched["f"].as_f64(), Some(f64::MAX));
    let patch = create_two_way(&json!({}), &doc, &*meta).unwrap();
    assert_eq!(patch["i"].as_i64(), Some(i64::MAX));
}

#[test]
fn unknown_field_in_openapi_v3_is_an_error_only_when_looked_up() {
    let doc =
        json!({"components": {"schemas": {"x": {"properties": {"name": {"type": "string"}}}}}});
    let meta = openapi_v3::from_document(&doc, "#/components/schemas/x").unwrap();
    assert!(create_two_way(&json!({}), &json!({"other": {"a": 1}}), &*meta).is_ok());
    let err = create_two_way(&json!({"other": {"a": 1}}), &json!({"other": {"a": 2}}), &*meta)
        .unwrap_err();
    assert!(err.to_string().contains("unable to find api field"), "{err}");
}

#[test]
fn non_object_documents_are_rejected() {
    let meta = schema();
    assert!(matches!(
        apply(&json!([1]), &json!({}), &*meta),
        Err(PatchError::BadJsonDocument { .. })
    ));
    assert!(matches!(
        super::apply_text("{}", "<not json>", &*meta),
        Err(PatchError::BadJsonDocument { .. })
    ));
}
