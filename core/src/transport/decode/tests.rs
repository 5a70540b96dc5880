use super::*;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize, PartialEq)]
struct Page {
    list: Vec<Item>,
    #[serde(rename = "hasMore")]
    has_more: Option<bool>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Item {
    id: u64,
    price: Option<u64>,
    thumb: Option<String>,
    tags: Option<Vec<String>>,
}

fn run<T: DeserializeOwned>(body: Value, strict: bool) -> Result<Decoded<T>, Error> {
    let bytes = bytes::Bytes::from(serde_json::to_vec(&body).unwrap());
    decode::<T>(
        &RequestInfo::operation("op", "GET", "/p"),
        &bytes,
        || bytes.clone(),
        strict,
    )
}

#[test]
fn a_body_that_fits_has_no_misfits() {
    let page: Decoded<Page> = run(json!({"list": [{"id": 1, "price": 5}]}), false).unwrap();
    assert!(page.misfits.is_empty());
    assert_eq!(page.value.list[0].price, Some(5));
}

#[test]
fn optional_misfits_are_emptied_and_recorded_with_the_value_received() {
    let body = json!({"list": [
        {"id": 1, "price": 9.99, "thumb": {"url": "u"}},
        {"id": 2, "price": 5, "thumb": "t"},
        {"id": 3, "price": 0.5, "thumb": null},
    ], "hasMore": true});
    let page: Decoded<Page> = run(body, false).unwrap();
    let ids: Vec<u64> = page.value.list.iter().map(|i| i.id).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(page.value.list[1].price, Some(5));
    assert_eq!(page.value.list[0].price, None);
    assert_eq!(page.value.list[1].thumb.as_deref(), Some("t"));
    let mut seen: Vec<(String, Value)> = page
        .misfits
        .iter()
        .map(|m| (m.path.clone(), m.received.clone()))
        .collect();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        seen,
        [
            ("list[0].price".to_owned(), json!(9.99)),
            ("list[0].thumb".to_owned(), json!({"url": "u"})),
            ("list[2].price".to_owned(), json!(0.5)),
        ]
    );
    let price = page
        .misfits
        .iter()
        .find(|m| m.path == "list[0].price")
        .unwrap();
    assert_eq!(price.expected, "u64");
    assert_eq!(
        price.to_string(),
        "`list[0].price`: expected u64, received a floating point number"
    );
}

#[test]
fn an_item_that_cannot_be_used_leaves_its_list_and_later_paths_stay_as_received() {
    let body = json!({"list": [
        {"id": 1},
        {"id": "recent"},
        {"id": 3, "tags": ["a", 7]},
        {"price": 1},
        {"id": 5, "price": -1},
    ]});
    let page: Decoded<Page> = run(body, false).unwrap();
    let ids: Vec<u64> = page.value.list.iter().map(|i| i.id).collect();
    assert_eq!(ids, [1, 3, 5]);
    let paths: Vec<&str> = page.misfits.iter().map(|m| m.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "list[1].id",
            "list[1]",
            "list[2].tags[1]",
            "list[3]",
            "list[4].price"
        ]
    );
    assert_eq!(page.misfits[1].received, json!({}));
    assert!(
        page.misfits[1].expected.contains("missing field `id`"),
        "{}",
        page.misfits[1].expected
    );
    // One item of a list of strings: the rest of the list stays.
    assert_eq!(page.misfits[2].received, json!(7));
    assert_eq!(
        page.value.list[1].tags.as_deref(),
        Some(&["a".to_owned()][..])
    );
}

#[test]
fn strict_decoding_and_unusable_bodies_are_errors_with_the_whole_body() {
    let body = json!({"list": [{"id": 1, "price": 9.99}], "pad": "x".repeat(5000)});
    let Err(Error::Decode {
        path, body: whole, ..
    }) = run::<Page>(body.clone(), true)
    else {
        panic!("strict decoding accepted a misfit");
    };
    assert_eq!(path, "list[0].price");
    assert_eq!(whole.as_bytes(), serde_json::to_vec(&body).unwrap());
    // The root itself does not fit: nothing can be taken out.
    assert!(matches!(
        run::<Page>(json!([1, 2]), false),
        Err(Error::Decode { .. })
    ));
    // A required list that does not fit takes its parent with it: the root.
    assert!(matches!(
        run::<Page>(json!({"list": "none"}), false),
        Err(Error::Decode { .. })
    ));
}

#[test]
fn a_thousand_alike_misfits_cost_a_few_decodes() {
    let items: Vec<Value> = (0..1000)
        .map(|i| json!({"id": i, "price": 9.99, "thumb": {"url": "u"}}))
        .collect();
    let page: Decoded<Page> = run(json!({ "list": items }), false).unwrap();
    assert_eq!(page.value.list.len(), 1000);
    assert_eq!(page.misfits.len(), 2000);
}

#[path = "adversarial.rs"]
mod adversarial;

/// A struct as the generator writes it with [`Fields`], and its twin
/// with serde's derive: they must read every body alike.
#[derive(Debug, Default, PartialEq)]
struct Compact {
    id: Option<u64>,
    has_more: Option<bool>,
    tags: Vec<String>,
    note: String,
}

impl Fields for Compact {
    const EXPECTING: &'static str = "struct Compact";
    fn field<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match key {
            "id" => self.id = map.next_value()?,
            "hasMore" => self.has_more = map.next_value()?,
            "tags" => self.tags = map.next_value::<Option<_>>()?.unwrap_or_default(),
            "note" => self.note = map.next_value()?,
            _ => {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Compact {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object(deserializer)
    }
}

/// The twin, named alike so that errors read alike.
mod derived {
    use super::super::null_as_default;

    #[derive(Debug, Default, PartialEq, serde::Deserialize)]
    pub(super) struct Compact {
        pub(super) id: Option<u64>,
        #[serde(rename = "hasMore")]
        pub(super) has_more: Option<bool>,
        #[serde(default, deserialize_with = "null_as_default")]
        pub(super) tags: Vec<String>,
        #[serde(default)]
        pub(super) note: String,
    }
}

/// The value or the error (with its JSON path) of each reading.
fn both(body: &str) -> (Result<Compact, String>, Result<derived::Compact, String>) {
    fn read<T: DeserializeOwned>(body: &str) -> Result<T, String> {
        let deserializer = &mut serde_json::Deserializer::from_str(body);
        serde_path_to_error::deserialize(deserializer)
            .map_err(|e| format!("{}: {}", e.path(), e.inner()))
    }
    (read(body), read(body))
}

#[test]
fn the_compact_deserialize_reads_as_the_derive_does() {
    for body in [
        r#"{}"#,
        r#"{"id": 7, "hasMore": true, "tags": ["a"], "note": "n"}"#,
        r#"{"id": null, "hasMore": null, "tags": null}"#,
        r#"{"unknown": {"deep": [1, 2]}, "id": 3}"#,
        r#"{"h\u0061sMore": false}"#,
    ] {
        let (compact, derived) = both(body);
        let derived = derived.unwrap();
        let compact = compact.unwrap();
        assert_eq!(
            (compact.id, compact.has_more, &compact.tags, &compact.note),
            (derived.id, derived.has_more, &derived.tags, &derived.note),
            "{body}"
        );
    }
    // Errors name the same path and say the same.
    for body in [
        r#"{"id": "seven"}"#,
        r#"{"tags": [1]}"#,
        r#"{"note": null}"#,
        r#"null"#,
        r#"7"#,
        r#"{"id": 1"#,
    ] {
        let (compact, derived) = both(body);
        assert_eq!(compact.unwrap_err(), derived.unwrap_err(), "{body}");
    }
}

#[test]
fn the_compact_deserialize_reads_objects_only() {
    // serde's derive also reads a struct from an array, by position: no
    // API sends one, and the generated types do not accept it.
    let (compact, derived) = both(r#"[7, true]"#);
    assert_eq!(derived.unwrap().id, Some(7));
    assert!(
        compact
            .unwrap_err()
            .starts_with(".: invalid type: sequence, expected struct Compact"),
    );
}

/// An enum of strings as the generator writes it with [`variant`], and
/// its twin with serde's derive.
#[derive(Debug, PartialEq)]
enum Quality {
    Thumb,
    Full,
}

impl std::str::FromStr for Quality {
    type Err = ();
    fn from_str(text: &str) -> Result<Self, ()> {
        match text {
            "thumb" => Ok(Quality::Thumb),
            "full" => Ok(Quality::Full),
            _ => Err(()),
        }
    }
}

impl<'de> Deserialize<'de> for Quality {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        variant(deserializer, &["thumb", "full"])
    }
}

mod derived_enum {
    #[derive(Debug, PartialEq, serde::Deserialize)]
    pub(super) enum Quality {
        #[serde(rename = "thumb")]
        Thumb,
        #[serde(rename = "full")]
        Full,
    }
}

#[test]
fn the_compact_enum_deserialize_reads_as_the_derive_does() {
    fn read<T: DeserializeOwned>(body: &str) -> Result<T, String> {
        let deserializer = &mut serde_json::Deserializer::from_str(body);
        serde_path_to_error::deserialize(deserializer)
            .map_err(|e| format!("{}: {}", e.path(), e.inner()))
    }
    let pair = |body: &str| {
        (
            read::<Vec<Quality>>(body).map(|v| format!("{v:?}")),
            read::<Vec<derived_enum::Quality>>(body).map(|v| format!("{v:?}")),
        )
    };
    for body in [
        r#"["thumb", "full"]"#,
        r#"["th\u0075mb"]"#,
        r#"["large"]"#,
        r#"[7]"#,
        r#"[null]"#,
        r#"[{"thumb": null}]"#,
    ] {
        let (compact, derived) = pair(body);
        if body.contains('{') {
            // The derive also reads a one-key object; no API sends one.
            assert!(derived.is_ok() && compact.is_err(), "{body}");
        } else if body.contains('"') {
            assert_eq!(compact, derived, "{body}");
        } else {
            // Not a string: both fail at the same place; this one says
            // what came (serde_json's enum reading says `expected value`).
            let (compact, derived) = (compact.unwrap_err(), derived.unwrap_err());
            assert_eq!(compact.split(':').next(), derived.split(':').next());
            assert!(compact.contains("expected variant identifier"), "{compact}");
        }
    }
    // What an open enum (`Open<E>`) reads through: a string deserializer.
    use serde::de::IntoDeserializer;
    let text: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        "full".into_deserializer();
    assert_eq!(Quality::deserialize(text).unwrap(), Quality::Full);
}

/// A credential in a shape the type did not expect (an object where a
/// string was, a string where a number was) reaches neither a misfit's
/// `Debug` nor an error's message; the value itself stays in `received`
/// and in the body kept.
#[test]
fn misfits_and_errors_never_print_the_text_received() {
    let body = json!({"list": [{"id": 1, "thumb": {"cookie": "sess=SECRET"}, "price": "SECRET"}]});
    let page: Decoded<Page> = run(body.clone(), false).unwrap();
    let shown = format!("{:?}", page.misfits);
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(
        shown.contains("an object") && shown.contains("a string"),
        "{shown}"
    );
    let thumb = page.misfits.iter().find(|m| m.path == "list[0].thumb");
    assert_eq!(
        thumb.map(|m| &m.received),
        Some(&json!({"cookie": "sess=SECRET"}))
    );
    let numbers: Decoded<Page> = run(
        json!({"list": [{"id": 1, "thumb": 5}], "hasMore": false}),
        false,
    )
    .unwrap();
    assert!(format!("{:?}", numbers.misfits).contains("received: Number(5)"));
    let Err(error) = run::<Page>(json!({"list": [{"id": "SECRET"}]}), true) else {
        panic!("a strict decode of a misfit is an error");
    };
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("SECRET"), "{shown}");
    assert!(
        shown.contains("invalid type: string, expected u64"),
        "{shown}"
    );
}
