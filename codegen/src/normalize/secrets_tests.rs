use std::collections::BTreeMap;

use serde_json::Value;

use super::{Credential, SECRET_TYPE, SECRET_VALUE_TYPE, credential};
use crate::normalize::test_support::before_after;
use crate::walk::{self, RootKind};

/// Each word's decision, with the names of both specs and the ones a
/// vendor may add; `(name, in a request, what it is)`.
#[test]
fn names_are_judged_by_their_words() {
    use Credential::{No, Text, Whole};
    let cases = [
        // The OnlyFans session: the whole account.
        ("cookie", false, Whole),
        ("cookies", true, Whole),
        ("sessionCookie", false, Whole),
        ("session_cookie_value", false, Whole),
        ("cookieJar", false, Whole),
        ("sessions", false, Text),
        ("x-bc", false, Whole),
        ("xbc", true, Whole),
        ("X-BC", false, Whole),
        ("maxBcc", false, No),
        ("session", false, Text),
        ("sess", false, Text),
        ("sessionId", false, Text),
        ("session_id", true, Text),
        ("mobile_auth_session_deeplink", false, No),
        ("ageVerificationSession", false, Text),
        ("csrf", false, Whole),
        ("authorization", true, Text),
        ("auth", false, Text),
        ("auth_id", true, No),
        ("auth_type", false, No),
        ("author", false, No),
        ("authentication_progress", false, No),
        // OnlyFans' request signature, not a signature users read.
        ("sign", false, Text),
        ("x-sign", true, Text),
        ("signature", false, No),
        ("signed", false, No),
        ("signedUrl", false, No),
        ("design", false, No),
        // Passwords, secrets, tokens, wherever the word stands.
        ("password", true, Whole),
        ("password_confirmation", true, Text),
        ("hasPassword", false, Whole),
        ("signing_secret", true, Whole),
        ("clientSecret", true, Whole),
        ("wsAuthToken", false, Whole),
        ("app-token", false, Whole),
        ("activityHubTokens", false, Whole),
        ("tokenType", false, Text),
        ("accesstoken", false, Whole),
        ("credentials", true, Whole),
        // Keys: a qualified key is a credential, a bare or lookup key is not.
        ("apiKey", true, Text),
        ("api_key", false, Text),
        ("apikey", true, Whole),
        ("APIKey", true, Text),
        ("privateKey", false, Text),
        ("sessionKey", false, Text),
        ("streamingRtmpKey", false, Text),
        ("streamingMuxKeyExpiredAt", false, No),
        ("key", false, No),
        ("key", true, No),
        ("keyword", false, No),
        ("monkey", false, No),
        ("Idempotency-Key", true, No),
        ("sortKey", true, No),
        ("publicKey", false, No),
        // Codes: a one-time code, not a country's.
        ("code", true, Text),
        ("code", false, No),
        ("countryCode", true, No),
        ("country_code", false, No),
        ("payoutCode", false, No),
        ("error_code", false, No),
        ("verificationCode", false, Text),
        ("two_factor_code", true, Text),
        ("oneTimeCode", false, Text),
        ("lifeTimeEmailCode", false, Text),
        ("otp", true, Text),
        ("otp_phone_ending", false, No),
        ("needs_otp", false, Text),
        ("pin", true, Text),
        ("isPinned", false, No),
        ("countPinnedMessages", false, No),
        ("hashSort", false, No),
        ("", true, No),
        ("---", true, No),
    ];
    let wrong: Vec<String> = cases
        .iter()
        .filter(|(name, in_request, expected)| credential(name, *in_request) != *expected)
        .map(|(name, in_request, expected)| {
            format!(
                "{name} (request: {in_request}): {:?}, expected {expected:?}",
                credential(name, *in_request)
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn credentials_become_secret() {
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
                cookies: {type: string}
                xbc: {type: string}
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
                  session:
                    type: object
                    properties:
                      user-agent: {type: string}
                      cookie: {type: string}
                      x-bc: {type: string}
                  sessionCookie: {type: string, nullable: true}
                  cookieJar:
                    type: array
                    items: {type: object, properties: {name: {type: string}, value: {type: string}}}
                  activityHubTokens: {type: array, items: {}, nullable: true}
                  refreshTokens: {type: array, items: {type: string}}
                  sessions: {type: object, additionalProperties: {type: string}}
                  api_key: {type: object, properties: {name: {type: string}, last_used_at: {type: string}}}
                  pin: {type: string, format: password}
                  hint: {type: string, format: password}
                  authType: {type: string, enum: [otp, password]}
                  tokenExpiresAt: {type: string, format: date-time}
                  key: {type: string}
                  streamingRtmpKey: {type: string}
                  signature: {type: string}
                  sign: {type: string}
"#
    ));
}

/// Every value of the vendored specs the rule makes a secret, and every
/// name it calls a credential but leaves for its shape (a flag, an object
/// judged field by field), by name with how many places: a change to the
/// rule or to a spec shows here for review.
#[test]
fn caught_names_in_the_vendored_specs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = String::new();
    for api in crate::apis::ALL {
        let normalized = crate::prepare(api, &root).expect("the vendored spec normalizes");
        let mut caught: BTreeMap<String, usize> = BTreeMap::new();
        let mut doc = normalized.spec;
        walk::for_each_root_mut(&mut doc, &mut |root, schema| {
            let in_request = matches!(root.kind, RootKind::RequestBody);
            walk::visit_pre_mut(schema, &mut Vec::new(), &mut |schema, _| {
                let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                    return;
                };
                for (name, property) in properties {
                    if let Some(outcome) = outcome(name, property, in_request) {
                        *caught.entry(format!("{name}: {outcome}")).or_default() += 1;
                    }
                }
            });
        });
        out.push_str(&format!("# {}\n", api.name));
        for (line, places) in caught {
            out.push_str(&format!("{line} ({places})\n"));
        }
    }
    insta::assert_snapshot!(out);
}

/// What became of a property named as a credential, or made a secret.
fn outcome(name: &str, property: &Value, in_request: bool) -> Option<String> {
    let rust_type = |schema: &Value| {
        schema
            .pointer("/x-rust-type/path")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    match (
        rust_type(property),
        property.get("items").and_then(rust_type),
    ) {
        (Some(path), _) if path == SECRET_TYPE => Some("Secret".into()),
        (Some(path), _) if path == SECRET_VALUE_TYPE => Some("SecretValue".into()),
        (_, Some(path)) if path == SECRET_TYPE => Some("Vec<Secret>".into()),
        _ if credential(name, in_request) == Credential::No => None,
        _ => {
            let shape = walk::type_of(property)
                .or(property.get("$ref").map(|_| "reference"))
                .unwrap_or("other");
            Some(format!("left: {shape}"))
        }
    }
}
