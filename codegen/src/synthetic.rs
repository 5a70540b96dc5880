//! Synthetic specs shaped like the real ones, for build-time scaling
//! measurements (`cargo xtask bench-build`): the vendored operation stays as it
//! is (the facade compiles against it) and copies of it are added under new
//! paths, with the top-level fields of their items renamed so that each copy has
//! shapes of its own while the nested message/media shapes stay shared, as in
//! a real spec with many endpoints.

use serde_json::Value;

use crate::walk::{self, Edge};

/// `spec` with `extra` copies of each of its operations.
pub fn grow(spec: &Value, extra: usize) -> Value {
    let mut out = spec.clone();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    let originals: Vec<(String, Value)> =
        paths.iter().map(|(p, v)| (p.clone(), v.clone())).collect();
    let Some(out_paths) = out.get_mut("paths").and_then(Value::as_object_mut) else {
        return out;
    };
    for i in 0..extra {
        let (path, item) = &originals[i % originals.len()];
        let mut copy = item.clone();
        rename_item_fields(&mut copy, i);
        for method in walk::METHODS {
            if let Some(op) = copy.get_mut(method).and_then(Value::as_object_mut) {
                op.remove("operationId");
                op.insert(
                    "summary".into(),
                    Value::String(format!("Resource {i} list")),
                );
            }
        }
        out_paths.insert(format!("{path}/copy{i}"), copy);
    }
    out
}

/// Renames the properties of the first array's items in each response body.
fn rename_item_fields(item: &mut Value, i: usize) {
    for method in walk::METHODS {
        let Some(responses) = item
            .pointer_mut(&format!("/{method}/responses"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for response in responses.values_mut() {
            let Some(schema) = response.pointer_mut("/content/application~1json/schema") else {
                continue;
            };
            let mut done = false;
            walk::visit_pre_mut(schema, &mut Vec::new(), &mut |s, path| {
                if done || !matches!(path, [Edge::Property(_), Edge::Items]) {
                    return;
                }
                if let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut) {
                    let renamed = std::mem::take(props)
                        .into_iter()
                        .map(|(k, v)| {
                            if k == "id" {
                                (k, v)
                            } else {
                                (format!("{k}{i}"), v)
                            }
                        })
                        .collect();
                    *props = renamed;
                    if let Some(obj) = s.as_object_mut() {
                        obj.remove("required");
                    }
                    done = true;
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn grows_copies_with_renamed_item_fields_and_keeps_the_original() {
        let spec = json!({
            "openapi": "3.0.3",
            "paths": {"/chats": {"get": {"operationId": "chats_list", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "list": {"type": "array", "items": {"type": "object", "required": ["id", "name"],
                        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}}}}}}}}}}}
        });
        let grown = super::grow(&spec, 3);
        let paths = grown["paths"].as_object().unwrap();
        assert_eq!(paths.len(), 4);
        assert_eq!(paths["/chats"], spec["paths"]["/chats"]);
        let copy = &paths["/chats/copy2"]["get"];
        assert_eq!(copy["summary"], "Resource 2 list");
        assert!(copy.get("operationId").is_none());
        let item = copy
            .pointer("/responses/200/content/application~1json/schema/properties/list/items")
            .unwrap();
        let names: Vec<&String> = item["properties"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["id", "name2"]);
    }
}
