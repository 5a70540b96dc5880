//! Secrets are `onlyfans_clients_core::Secret` (re-exported as `onlyfans_clients::Secret`): the string as sent, never shown
//! by `Debug`.
//!
//! The generated types derive `Debug`, so a body holding a password (or an
//! answer holding a session token) printed with `{:?}` or logged would show
//! it. Every string property named as a secret (`is_secret_name`: its
//! name holds `password`, `secret`, `token` or `apikey`, and in a request
//! body also a 2FA `code`) becomes the handwritten `Secret` through typify's
//! `x-rust-type`; a `code` in an answer is a country's or a payout system's,
//! not a secret.
//! Parameters are left alone: the request builders already keep their values
//! out of `Debug`.

use serde_json::{Value, json};

use super::Report;
use super::open_enums::OPEN_CRATE;
use crate::walk::{self, RootKind};

/// The handwritten secret type's path (see [`OPEN_CRATE`]).
pub const SECRET_TYPE: &str = concat!(runtime_crate!(), "::Secret");

pub fn apply(doc: &mut Value, report: &mut Report) {
    let mut count = 0usize;
    walk::for_each_root_mut(doc, &mut |root, schema| {
        let in_request = matches!(root.kind, RootKind::RequestBody);
        walk::visit_pre_mut(schema, &mut Vec::new(), &mut |schema, _| {
            let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut)
            else {
                return;
            };
            for (name, property) in properties.iter_mut() {
                if is_secret_name(name, in_request)
                    && walk::type_of(property) == Some("string")
                    && property.get("enum").is_none()
                    && property.get("format").is_none()
                {
                    let mut secret = json!({
                        "type": "string",
                        "x-rust-type": {"crate": OPEN_CRATE, "version": "*", "path": SECRET_TYPE},
                    });
                    for key in ["description", "nullable"] {
                        if let Some(value) = property.get(key) {
                            secret[key] = value.clone();
                        }
                    }
                    *property = secret;
                    count += 1;
                }
            }
        });
    });
    if count > 0 {
        report.note(format!(
            "{count} secret strings are `Secret` (never shown by `Debug`)"
        ));
    }
}

/// Whether a value named `name` holds a secret: a password, a client or
/// signing secret, a token, an API key; in a request also a one-time code
/// (`code`, `otp`), which in an answer names other things (a country's
/// `code`, `otp_phone_ending`).
pub(crate) fn is_secret_name(name: &str, in_request: bool) -> bool {
    let name: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    ["password", "secret", "token", "apikey"]
        .iter()
        .any(|word| name.contains(word))
        || (in_request && (name == "code" || name.contains("otp")))
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn secret_strings_become_secret() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /authenticate:
    post:
      operationId: authenticate
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                email: {type: string}
                password: {type: string, description: the account's password}
                code: {type: string}
                proxy: {type: object, properties: {password: {type: string, nullable: true}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  wsAuthToken: {type: string}
                  code: {type: string, description: a country code}
                  hasPassword: {type: boolean}
"#
        ));
    }
}
