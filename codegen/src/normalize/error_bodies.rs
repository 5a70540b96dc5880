//! Error responses that declare no body are dropped from operations.
//!
//! Both vendors list `400`, `401`, `429`, `5xx` with only a description. progenitor
//! turns a *documented* body-less status into `Error::ErrorResponse(())` and throws
//! the body away, yet that body is where the API says what went wrong. Left
//! undocumented, the status reaches the caller as `Error::UnexpectedResponse` with
//! the response intact, and the facade reports status, a bounded body excerpt,
//! request id and `Retry-After`.

use serde_json::Value;

use super::Report;
use crate::walk;

pub fn apply(doc: &mut Value, report: &mut Report) {
    let mut dropped = 0usize;
    for (_, _, op) in walk::operations_mut(doc) {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            continue;
        };
        let before = responses.len();
        responses.retain(|status, response| {
            let is_error = status == "default" || status.starts_with(['4', '5']);
            let has_body = response
                .get("content")
                .and_then(Value::as_object)
                .is_some_and(|c| !c.is_empty());
            !is_error || has_body || response.get("$ref").is_some()
        });
        dropped += before - responses.len();
    }
    if dropped > 0 {
        report.note(format!("dropped {dropped} body-less error responses"));
    }
}

#[cfg(test)]
mod tests {
    use crate::normalize::test_support::before_after;

    #[test]
    fn drops_bodyless_errors_only() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /chats:
    get:
      operationId: list_chats
      responses:
        '200': {description: ok}
        '400': {description: Bad Request}
        '422':
          description: Validation
          content:
            application/json:
              schema: {type: object, properties: {message: {type: string}}}
        '429': {description: Rate Limit Exceeded}
        default: {description: error}
"#
        ));
    }
}
