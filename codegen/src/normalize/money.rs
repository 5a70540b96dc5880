//! Money is a number with cents, whatever type the spec gives it.
//!
//! OnlyFansAPI's spec is written by Laravel Scribe from documentation
//! examples, so a price that was `5` in the example is `type: integer`, and a
//! creator's `$9.99` subscription fails to decode. Its own spec types the same
//! fields `number` elsewhere (`subscribePrice`: 44 times `integer`, 26 times
//! `number`). A schema is money by its name, read as words (camelCase and
//! snake_case): the last word is a money word (`price`, `subscribePrice`,
//! `tipsSumm`, `total_net`), or the last word is `total` or `raw` after a
//! money word (`revenue_net_total`, `tipsAmountRaw`). Money typed `integer`
//! becomes `type: number` (its integer `format` dropped), in responses,
//! request bodies and parameters alike: a caller must be able to send
//! `9.99` too.
//!
//! Left alone: names whose words only contain a money word (`earningId`,
//! `gross_clicks`), and balances (OnlyFansAPI's `_credits.balance` counts
//! whole API credits).

use serde_json::Value;

use super::Report;
use crate::walk::{self, Edge};

/// Words that name an amount of money.
const MONEY: &[&str] = &[
    "price", "prices", "amount", "sum", "summ", "gross", "net", "fee", "fees", "vat", "tax",
    "revenue", "spent", "earnings", "tips",
];

/// Words that may follow a money word and keep it money.
const MONEY_SUFFIXES: &[&str] = &["total", "raw"];

pub fn apply(doc: &mut Value, report: &mut Report) {
    let mut changed = Vec::new();
    walk::for_each_schema_mut(doc, &mut |root, schema, path| {
        let name = match path {
            [.., Edge::Property(name)] | [.., Edge::Property(name), Edge::Items] => {
                Some(name.as_str())
            }
            [] => root.name.as_deref(),
            _ => None,
        };
        if let Some(name) = name
            && is_money(name)
            && schema.get("type").and_then(Value::as_str) == Some("integer")
            && let Some(obj) = schema.as_object_mut()
        {
            obj.insert("type".into(), Value::String("number".into()));
            obj.remove("format");
            changed.push(name.to_owned());
        }
    });
    if !changed.is_empty() {
        changed.sort();
        changed.dedup();
        report.note(format!(
            "typed money as number (was integer): {}",
            changed.join(", ")
        ));
    }
}

/// Whether a property or parameter name names money.
pub fn is_money(name: &str) -> bool {
    let words = words(name);
    match words.as_slice() {
        [] => false,
        [.., last] if MONEY.contains(&last.as_str()) => true,
        [.., before, last] if MONEY_SUFFIXES.contains(&last.as_str()) => {
            MONEY.contains(&before.as_str())
        }
        _ => false,
    }
}

/// `tipsAmountRaw` → `tips`, `amount`, `raw`; `revenue_net_total` → …
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == ' ' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::is_money;
    use crate::normalize::test_support::before_after;

    #[test]
    fn money_is_known_by_its_last_word() {
        for name in [
            "price",
            "subscribePrice",
            "regular_price",
            "bundleMaxPrice",
            "tipsSumm",
            "tipSum",
            "amount",
            "fundRaisingTargetAmount",
            "gross",
            "total_net",
            "revenue_net_total",
            "tipsAmountRaw",
            "total_spent",
            "vatAmount",
        ] {
            assert!(is_money(name), "{name}");
        }
        for name in [
            "earningId",
            "gross_clicks",
            "balance",
            "creditBalance",
            "total",
            "fans_total",
            "priceId",
            "netWorthCount",
            "network",
        ] {
            assert!(!is_money(name), "{name}");
        }
    }

    #[test]
    fn integer_money_becomes_a_number() {
        insta::assert_snapshot!(before_after(
            super::apply,
            r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /posts:
    post:
      operationId: create_post
      parameters:
        - {name: minPrice, in: query, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                price: {type: integer, format: int32}
                text: {type: string}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  subscribePrice: {type: integer}
                  regularPrice: {type: number}
                  tipsSumm: {type: integer}
                  earningId: {type: integer}
                  balance: {type: integer}
                  prices:
                    type: array
                    items: {type: integer}
"#
        ));
    }
}
