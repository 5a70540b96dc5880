//! OpenAPI 3.0 schemas as JSON Schema, the form typify reads.
//!
//! The type space ([`crate::type_space`]) must hold exactly the types
//! progenitor would generate from the same document, so this conversion
//! reads each schema the way progenitor does: through `openapiv3`'s model
//! (which keeps only the keywords that fit a schema's `type`), `nullable` as
//! a `null` instance type (or a `oneOf` with `null` around a composition),
//! `example` as `examples`, OpenAPI 3.0's boolean `exclusiveMinimum` as the
//! bound itself. A unit test of [`crate::type_space`] holds the result to
//! progenitor's own `types` module for both specs.

use openapiv3::{AdditionalProperties, ReferenceOr, SchemaKind, Type};
use schemars::schema::{
    ArrayValidation, InstanceType, Metadata, NumberValidation, ObjectValidation, Schema,
    SchemaObject, SingleOrVec, StringValidation, SubschemaValidation,
};
use serde_json::Value;

/// A schema or a reference to one.
pub fn convert(schema: &ReferenceOr<openapiv3::Schema>) -> Schema {
    match schema {
        ReferenceOr::Reference { reference } => SchemaObject::new_ref(reference.clone()).into(),
        ReferenceOr::Item(schema) => object(schema).into(),
    }
}

fn boxed(schema: &ReferenceOr<Box<openapiv3::Schema>>) -> Schema {
    match schema {
        ReferenceOr::Reference { reference } => SchemaObject::new_ref(reference.clone()).into(),
        ReferenceOr::Item(schema) => object(schema).into(),
    }
}

/// `Some` unless the value is its type's default.
fn unless_default<T: Default + PartialEq>(value: T) -> Option<Box<T>> {
    (value != T::default()).then(|| Box::new(value))
}

/// `Some` unless empty.
fn unless_empty<T, U>(items: &[T], each: impl Fn(&T) -> U) -> Option<Vec<U>> {
    (!items.is_empty()).then(|| items.iter().map(each).collect())
}

fn typed(instance: InstanceType, nullable: bool) -> Option<SingleOrVec<InstanceType>> {
    Some(if nullable {
        vec![instance, InstanceType::Null].into()
    } else {
        instance.into()
    })
}

/// A composition that may also be `null`: `oneOf: [null, the composition]`,
/// the description and extensions staying outside.
fn nullable_composition(mut inner: SchemaObject, nullable: bool) -> SchemaObject {
    if !nullable {
        return inner;
    }
    let metadata = inner.metadata.take();
    let extensions = std::mem::take(&mut inner.extensions);
    let null = SchemaObject {
        instance_type: Some(InstanceType::Null.into()),
        ..Default::default()
    };
    SchemaObject {
        metadata,
        extensions,
        subschemas: Some(Box::new(SubschemaValidation {
            one_of: Some(vec![null.into(), inner.into()]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// An inclusive and an exclusive bound from OpenAPI 3.0's value and flag.
fn bound(value: Option<f64>, exclusive: bool) -> (Option<f64>, Option<f64>) {
    if exclusive {
        (None, value)
    } else {
        (value, None)
    }
}

fn format<T: std::fmt::Debug>(format: &openapiv3::VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        openapiv3::VariantOrUnknownOrEmpty::Item(known) => Some(known_format(known)),
        openapiv3::VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// `date-time` of `StringFormat::DateTime`: openapiv3's formats print as
/// their names in kebab case.
fn known_format(known: &impl std::fmt::Debug) -> String {
    use heck::ToKebabCase;
    format!("{known:?}").to_kebab_case()
}

fn enumeration<T: Clone + Into<Value>>(values: &[Option<T>]) -> Option<Vec<Value>> {
    unless_empty(values, |v| v.clone().map_or(Value::Null, Into::into))
}

fn additional(properties: &Option<AdditionalProperties>) -> Option<Box<Schema>> {
    properties.as_ref().map(|p| {
        Box::new(match p {
            AdditionalProperties::Any(allowed) => Schema::Bool(*allowed),
            AdditionalProperties::Schema(schema) => convert(schema),
        })
    })
}

fn properties(
    properties: &indexmap::IndexMap<String, ReferenceOr<Box<openapiv3::Schema>>>,
) -> schemars::Map<String, Schema> {
    properties
        .iter()
        .map(|(name, schema)| (name.clone(), boxed(schema)))
        .collect()
}

fn object(schema: &openapiv3::Schema) -> SchemaObject {
    let data = &schema.schema_data;
    let nullable = data.nullable;
    let metadata = unless_default(Metadata {
        id: None,
        title: data.title.clone(),
        description: data.description.clone(),
        default: data.default.clone(),
        deprecated: data.deprecated,
        read_only: data.read_only,
        write_only: data.write_only,
        examples: data.example.iter().cloned().collect(),
    });
    let base = SchemaObject {
        metadata,
        extensions: data
            .extensions
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        ..Default::default()
    };
    let composed = |subschemas: SubschemaValidation| {
        nullable_composition(
            SchemaObject {
                subschemas: Some(Box::new(subschemas)),
                ..base.clone()
            },
            nullable,
        )
    };
    let all = |schemas: &[ReferenceOr<openapiv3::Schema>]| schemas.iter().map(convert).collect();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => SchemaObject {
            instance_type: typed(InstanceType::String, nullable),
            format: format(&s.format),
            enum_values: unless_empty(&s.enumeration, |v| {
                v.clone().map_or(Value::Null, Value::String)
            }),
            string: unless_default(StringValidation {
                max_length: s.max_length.map(|n| n as u32),
                min_length: s.min_length.map(|n| n as u32),
                pattern: s.pattern.clone(),
            }),
            ..base
        },
        SchemaKind::Type(Type::Number(n)) => {
            let (maximum, exclusive_maximum) = bound(n.maximum, n.exclusive_maximum);
            let (minimum, exclusive_minimum) = bound(n.minimum, n.exclusive_minimum);
            SchemaObject {
                instance_type: typed(InstanceType::Number, nullable),
                format: format(&n.format),
                enum_values: unless_empty(&n.enumeration, |v| {
                    v.and_then(serde_json::Number::from_f64)
                        .map_or(Value::Null, Value::Number)
                }),
                number: unless_default(NumberValidation {
                    multiple_of: n.multiple_of,
                    maximum,
                    exclusive_maximum,
                    minimum,
                    exclusive_minimum,
                }),
                ..base
            }
        }
        SchemaKind::Type(Type::Integer(i)) => {
            let as_f64 = |v: Option<i64>| v.map(|v| v as f64);
            let (maximum, exclusive_maximum) = bound(as_f64(i.maximum), i.exclusive_maximum);
            let (minimum, exclusive_minimum) = bound(as_f64(i.minimum), i.exclusive_minimum);
            SchemaObject {
                instance_type: typed(InstanceType::Integer, nullable),
                format: format(&i.format),
                enum_values: enumeration(&i.enumeration),
                number: unless_default(NumberValidation {
                    multiple_of: as_f64(i.multiple_of),
                    maximum,
                    exclusive_maximum,
                    minimum,
                    exclusive_minimum,
                }),
                ..base
            }
        }
        SchemaKind::Type(Type::Object(o)) => SchemaObject {
            instance_type: typed(InstanceType::Object, nullable),
            object: unless_default(ObjectValidation {
                max_properties: o.max_properties.map(|n| n as u32),
                min_properties: o.min_properties.map(|n| n as u32),
                required: o.required.iter().cloned().collect(),
                properties: properties(&o.properties),
                pattern_properties: Default::default(),
                additional_properties: additional(&o.additional_properties),
                property_names: None,
            }),
            ..base
        },
        SchemaKind::Type(Type::Array(a)) => SchemaObject {
            instance_type: typed(InstanceType::Array, nullable),
            array: unless_default(ArrayValidation {
                items: a
                    .items
                    .as_ref()
                    .map(|items| SingleOrVec::Single(Box::new(boxed(items)))),
                additional_items: None,
                max_items: a.max_items.map(|n| n as u32),
                min_items: a.min_items.map(|n| n as u32),
                unique_items: a.unique_items.then_some(true),
                contains: None,
            }),
            ..base
        },
        SchemaKind::Type(Type::Boolean(b)) => SchemaObject {
            instance_type: typed(InstanceType::Boolean, nullable),
            enum_values: enumeration(&b.enumeration),
            ..base
        },
        SchemaKind::OneOf { one_of } => composed(SubschemaValidation {
            one_of: Some(all(one_of)),
            ..Default::default()
        }),
        SchemaKind::AllOf { all_of } => composed(SubschemaValidation {
            all_of: Some(all(all_of)),
            ..Default::default()
        }),
        SchemaKind::AnyOf { any_of } => composed(SubschemaValidation {
            any_of: Some(all(any_of)),
            ..Default::default()
        }),
        SchemaKind::Not { not } => composed(SubschemaValidation {
            not: Some(Box::new(convert(not))),
            ..Default::default()
        }),
        SchemaKind::Any(any) => any_schema(any, nullable, base),
    }
}

/// A schema without a `type` openapiv3 recognises: every keyword kept, the
/// instance type stated or, when `nullable` needs a `null` beside it,
/// inferred from the keywords present. The inference reads a number or
/// string validation as an array, as progenitor 0.15 does: the point here is
/// the same types as the raw client's, not a better reading.
fn any_schema(any: &openapiv3::AnySchema, nullable: bool, base: SchemaObject) -> SchemaObject {
    let mut so = base;
    let keywords_only_metadata = any.typ.is_none()
        && any.pattern.is_none()
        && any.multiple_of.is_none()
        && any.exclusive_minimum.is_none()
        && any.exclusive_maximum.is_none()
        && any.minimum.is_none()
        && any.maximum.is_none()
        && any.properties.is_empty()
        && any.required.is_empty()
        && any.additional_properties.is_none()
        && any.min_properties.is_none()
        && any.max_properties.is_none()
        && any.items.is_none()
        && any.min_items.is_none()
        && any.max_items.is_none()
        && any.unique_items.is_none()
        && any.format.is_none()
        && any.min_length.is_none()
        && any.max_length.is_none()
        && any.one_of.is_empty()
        && any.all_of.is_empty()
        && any.any_of.is_empty()
        && any.not.is_none();
    if keywords_only_metadata && any.enumeration.is_empty() {
        // `{}`: anything, `null` included.
        return so;
    }
    if keywords_only_metadata && any.enumeration == [Value::Null] {
        so.instance_type = Some(InstanceType::Null.into());
        return so;
    }
    so.format.clone_from(&any.format);
    if !any.enumeration.is_empty() {
        so.enum_values = Some(any.enumeration.clone());
    }
    if any.pattern.is_some() {
        so.string().pattern.clone_from(&any.pattern);
    }
    if let Some(n) = any.min_length {
        so.string().min_length = Some(n as u32);
    }
    if let Some(n) = any.max_length {
        so.string().max_length = Some(n as u32);
    }
    if any.multiple_of.is_some() {
        so.number().multiple_of = any.multiple_of;
    }
    if any.minimum.is_some() {
        let number = so.number();
        (number.minimum, number.exclusive_minimum) =
            bound(any.minimum, any.exclusive_minimum == Some(true));
    }
    if any.maximum.is_some() {
        let number = so.number();
        (number.maximum, number.exclusive_maximum) =
            bound(any.maximum, any.exclusive_maximum == Some(true));
    }
    if !any.properties.is_empty() {
        so.object().properties = properties(&any.properties);
    }
    if !any.required.is_empty() {
        so.object().required = any.required.iter().cloned().collect();
    }
    if any.additional_properties.is_some() {
        so.object().additional_properties = additional(&any.additional_properties);
    }
    if let Some(n) = any.min_properties {
        so.object().min_properties = Some(n as u32);
    }
    if let Some(n) = any.max_properties {
        so.object().max_properties = Some(n as u32);
    }
    if let Some(items) = &any.items {
        so.array().items = Some(SingleOrVec::Single(Box::new(boxed(items))));
    }
    if let Some(n) = any.min_items {
        so.array().min_items = Some(n as u32);
    }
    if let Some(n) = any.max_items {
        so.array().max_items = Some(n as u32);
    }
    if any.unique_items.is_some() {
        so.array().unique_items = any.unique_items;
    }
    let all = |schemas: &[ReferenceOr<openapiv3::Schema>]| {
        unless_empty(schemas, convert).unwrap_or_default()
    };
    if !any.one_of.is_empty() {
        so.subschemas().one_of = Some(all(&any.one_of));
    }
    if !any.all_of.is_empty() {
        so.subschemas().all_of = Some(all(&any.all_of));
    }
    if !any.any_of.is_empty() {
        so.subschemas().any_of = Some(all(&any.any_of));
    }
    if let Some(not) = &any.not {
        so.subschemas().not = Some(Box::new(convert(not)));
    }
    let stated = match any.typ.as_deref() {
        Some("boolean") => Some(InstanceType::Boolean),
        Some("object") => Some(InstanceType::Object),
        Some("array") => Some(InstanceType::Array),
        Some("number") => Some(InstanceType::Number),
        Some("string") => Some(InstanceType::String),
        Some("integer") => Some(InstanceType::Integer),
        _ => None,
    };
    if let Some(instance) = stated {
        so.instance_type = typed(instance, nullable);
    } else if nullable {
        let inferred: Vec<InstanceType> = [
            so.object.is_some().then_some(InstanceType::Object),
            so.array.is_some().then_some(InstanceType::Array),
            so.number.is_some().then_some(InstanceType::Array),
            so.string.is_some().then_some(InstanceType::Array),
            Some(InstanceType::Null),
        ]
        .into_iter()
        .flatten()
        .collect();
        so.instance_type = Some(match inferred.as_slice() {
            [one] => SingleOrVec::Single(Box::new(*one)),
            _ => SingleOrVec::Vec(inferred),
        });
    }
    let only_null =
        matches!(&so.instance_type, Some(SingleOrVec::Single(t)) if **t == InstanceType::Null);
    if only_null && so.subschemas.is_some() {
        so.instance_type = None;
        return nullable_composition(so, nullable);
    }
    so
}
