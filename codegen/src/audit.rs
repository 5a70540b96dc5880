//! The audit of credentials left as plain text: every struct field of the
//! generated types (request bodies, answers, webhook events), every
//! parameter and header of every operation, whose name looks like a
//! credential by a broader test than the rule's ([`LOOKS_LIKE`]) but whose
//! value prints in `Debug`. `tests/generated.rs` holds the list of both
//! APIs to an explicit allowlist, so that a field the vendor adds next year
//! (`sessionCookie`) that the rule in `normalize/secrets.rs` misses fails the
//! tests instead of printing an account's session.

use crate::ApiModel;
use crate::facade::compact;
use crate::model::{BodyEncoding, NamedType};

/// Parts of names that look like credentials (any case, any position):
/// broader than the rule on purpose, the allowlist names what is not one.
pub const LOOKS_LIKE: &[&str] = &[
    "cookie",
    "sess",
    "xbc",
    "auth",
    "sign",
    "token",
    "key",
    "secret",
    "pass",
    "pwd",
    "otp",
    "code",
    "credential",
    "csrf",
    "bearer",
    "jwt",
];

/// A value that looks like a credential and prints in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Plain {
    /// Its name on the wire.
    pub name: String,
    /// Where it is: `types::Login.cookie`, `operation get_x: header x-y`.
    pub place: String,
    /// Its Rust type.
    pub ty: String,
}

impl std::fmt::Display for Plain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` in {} ({})", self.name, self.place, self.ty)
    }
}

/// Whether a name looks like a credential.
pub fn looks_like(name: &str) -> bool {
    let name: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    LOOKS_LIKE.iter().any(|part| name.contains(part))
}

/// Whether a value of type `ty` (a field's, without `Option`) prints text
/// in `Debug`: a string, a JSON value or map, a list or map of them; not a
/// `Secret`, a number, a flag, a date, or a generated type (whose fields are
/// audited themselves, or an enum of known words).
pub fn prints_text(ty: &str) -> bool {
    let ty: String = ty.chars().filter(|c| !c.is_whitespace()).collect();
    !ty.contains("onlyfans_clients_core::Secret")
        && !ty.contains("onlyfans_clients_core::transport::auth::SecretValue")
        && (ty == "str" || ty.contains("String") || ty.contains("serde_json::"))
}

/// Every field, parameter and header of `model` that looks like a
/// credential and prints in `Debug`, sorted by name.
pub fn plain_credentials(model: &ApiModel) -> Vec<Plain> {
    let mut out = Vec::new();
    for (name, ty) in &model.types {
        let NamedType::Struct(fields) = ty else {
            continue;
        };
        for field in fields {
            if looks_like(&field.wire) && prints_text(&field.ty) {
                out.push(Plain {
                    name: field.wire.clone(),
                    place: format!("types::{name}"),
                    ty: compact(&field.ty),
                });
            }
        }
    }
    for op in &model.operations {
        // What the request builder holds: its `Debug` hides a value by the
        // name (`facade::is_secret`) or by its type.
        let params = op
            .params
            .iter()
            .map(|p| (&p.wire, &p.ty, format!("{:?}", p.location).to_lowercase()));
        let multipart = op
            .body
            .iter()
            .filter(|b| b.encoding == BodyEncoding::Multipart)
            .flat_map(|b| &b.fields)
            .filter(|f| !f.file)
            .map(|f| (&f.wire, &f.ty, "form field".to_owned()));
        for (wire, ty, place) in params.chain(multipart) {
            if looks_like(wire) && prints_text(ty) && !crate::facade::is_secret(wire) {
                out.push(Plain {
                    name: wire.clone(),
                    place: format!("{} {place}", op.name),
                    ty: compact(ty),
                });
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::plain_credentials;
    use crate::model::NamedType;

    fn model(properties: &str) -> crate::ApiModel {
        let yaml = format!(
            r#"
openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:
  /login/{{clientSecret}}:
    get:
      operationId: getLogin
      parameters:
        - {{name: clientSecret, in: path, required: true, schema: {{type: string}}}}
        - {{name: x-session-blob, in: header, schema: {{type: string}}}}
        - {{name: Idempotency-Key, in: header, schema: {{type: string}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
{properties}
"#
        );
        let doc = serde_norway::from_str(&yaml).expect("the test spec parses");
        crate::api_model(crate::apis::OFAUTH, doc).expect("the test spec generates")
    }

    fn names(model: &crate::ApiModel) -> Vec<String> {
        plain_credentials(model)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// A vendor's new `sessionCookie` is redacted by the rule, so the audit
    /// finds nothing in it; a name the rule does not know
    /// (`authenticatorBlob`), a header and an idempotency key are listed.
    #[test]
    fn a_new_session_cookie_is_redacted_and_misses_are_listed() {
        let model = model(
            "                  sessionCookie: {type: string}\n                  \
             authenticatorBlob: {type: string}\n                  \
             userAgent: {type: string}\n",
        );
        assert_eq!(
            names(&model),
            [
                "`Idempotency-Key` in get_login header (str)",
                "`authenticatorBlob` in types::GetLoginResponse (::std::string::String)",
                "`x-session-blob` in get_login header (str)",
            ]
        );
    }

    /// The audit does not trust the rule: a field named like a credential
    /// whose type prints is listed, wherever the type came from.
    #[test]
    fn a_field_the_rule_missed_is_listed() {
        let mut model = model("                  sessionCookie: {type: string}\n");
        let NamedType::Struct(fields) = model.types.get_mut("GetLoginResponse").unwrap() else {
            panic!("a struct");
        };
        let field = fields
            .iter_mut()
            .find(|f| f.wire == "sessionCookie")
            .unwrap();
        assert_eq!(super::compact(&field.ty), "::onlyfans_clients_core::Secret");
        field.ty = "::std::string::String".to_owned();
        assert!(
            names(&model).contains(
                &"`sessionCookie` in types::GetLoginResponse (::std::string::String)".to_owned()
            ),
            "{:?}",
            names(&model)
        );
    }

    /// A request builder's `Debug` hides a credential set on it: a header
    /// (`x-bc`), a path parameter, a body field by its name or its type
    /// (`Vec<Secret>`, `SecretValue`); a header held as `Secret` is sent as
    /// its text, never its `Display`.
    #[test]
    fn builders_hide_credentials_in_parameters_headers_and_bodies() {
        let doc = serde_norway::from_str(
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /link/{clientSecret}:
    post:
      operationId: linkSession
      parameters:
        - {name: clientSecret, in: path, required: true, schema: {type: string}}
        - {name: x-bc, in: header, schema: {type: string}}
        - {name: Idempotency-Key, in: header, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                refreshTokens: {type: array, items: {type: string}}
                jar: {type: array, items: {type: object, properties: {name: {type: string}, value: {type: string}}}}
                cookieJar: {type: array, items: {type: object, properties: {name: {type: string}, value: {type: string}}}}
                userAgent: {type: string}
      responses:
        '204': {description: ok}
"#,
        )
        .expect("the test spec parses");
        let normalized = crate::normalize::normalize(doc);
        let api = crate::apis::OFAUTH;
        let operations = crate::api_operations(api, &normalized).expect("the model");
        let code = crate::generate_api_facade(api, &normalized, &operations, &[]).expect("facade");
        // As written, whatever the line breaks (and their trailing commas).
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let code = code.replace(",)", ")");
        let hidden =
            |slot: &str| format!(".field(\"{slot}\",&self.{slot}.as_ref().map(|_|\"[redacted]\"))");
        for slot in ["param_x_bc", "field_refresh_tokens", "field_cookie_jar"] {
            assert!(code.contains(&hidden(slot)), "{slot} shown:\n{code}");
        }
        assert!(
            code.contains(".field(\"path_client_secret\",&\"[redacted]\")"),
            "{code}"
        );
        for slot in ["param_idempotency_key", "field_jar", "field_user_agent"] {
            assert!(
                code.contains(&format!(".field(\"{slot}\",&self.{slot})")),
                "{slot}:\n{code}"
            );
        }
        assert!(code.contains("::transport::auth::SecretValue"), "{code}");
        // A credential header goes on the wire marked sensitive; another does not.
        assert!(code.contains("call.secret_header(\"x-bc\""), "{code}");
        assert!(code.contains("call.header(\"Idempotency-Key\""), "{code}");
    }
}
