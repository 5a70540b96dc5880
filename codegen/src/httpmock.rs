//! Typed httpmock helpers (progenitor's `Generator::httpmock`), for the
//! crate's `httpmock` feature: generated from the same document as the types,
//! so they name the same `types::X`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};

use crate::generate::{self, Settings};
use crate::{Error, Omitted};

/// Typed httpmock helpers for every generated operation. `crate_path` is where
/// the generated client (and its `types`) lives.
pub fn httpmock(
    spec: &Value,
    omitted: &[Omitted],
    settings: &Settings,
    crate_path: &str,
    header: &str,
) -> Result<String, Error> {
    let mut spec = spec.clone();
    generate::remove_operations(&mut spec, omitted);
    let api = generate::openapi(&spec).map_err(Error::Generate)?;
    let mut generator = generate::generator(settings).map_err(Error::Generate)?;
    let tokens = catch_unwind(AssertUnwindSafe(|| generator.httpmock(&api, crate_path)))
        .map_err(|p| {
            Error::Generate(format!(
                "httpmock generator panicked: {}",
                generate::panic_message(&p)
            ))
        })?
        .map_err(|e| Error::Generate(e.to_string()))?;
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::Generate(format!("generated mocks do not parse: {e}")))?;
    EscapePathValues.visit_file_mut(&mut file);
    QueryAsSent.visit_file_mut(&mut file);
    OwnedBodies.visit_file_mut(&mut file);
    generate::inline_methods(&mut file);
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

/// progenitor builds a path parameter's matcher by pasting the value into the
/// path regex as is, so `a.b` also matches `a-b` and `a(b` does not compile.
/// This rewrites each such `format!("^/…{}…$", value.to_string())` to paste
/// the value the facade actually sends (percent-encoded as one segment) with
/// its regex metacharacters escaped.
struct EscapePathValues;

impl VisitMut for EscapePathValues {
    fn visit_expr_macro_mut(&mut self, node: &mut syn::ExprMacro) {
        let rt = crate::runtime();
        if node.mac.path.is_ident("format")
            && let Ok(args) = node
                .mac
                .parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            && let [syn::Expr::Lit(template), value] = args.iter().collect::<Vec<_>>()[..]
            && matches!(&template.lit, syn::Lit::Str(s) if s.value().starts_with("^/"))
        {
            node.mac.tokens = quote::quote! {
                #template,
                ::regex::escape(&#rt::transport::request::encode_segment(&#value))
            };
        }
        visit_mut::visit_expr_macro_mut(self, node);
    }
}

/// progenitor matches a query parameter with `value.to_string()`, which does
/// not compile for values without `Display` (maps, lists, untagged unions)
/// and for the others need not be what the client sends. This rewrites each
/// `when.query_param("name", value.to_string())` to
/// `crate::mock::httpmock_query(when, "name", &value)`, which serializes the
/// value exactly as the generated client does and matches every pair.
struct QueryAsSent;

impl VisitMut for QueryAsSent {
    fn visit_expr_mut(&mut self, node: &mut syn::Expr) {
        let rt = crate::runtime();
        visit_mut::visit_expr_mut(self, node);
        let syn::Expr::MethodCall(call) = node else {
            return;
        };
        if call.method != "query_param" || call.args.len() != 2 {
            return;
        }
        let (Some(name), Some(syn::Expr::MethodCall(to_string))) =
            (call.args.first(), call.args.last())
        else {
            return;
        };
        if to_string.method != "to_string" || !to_string.args.is_empty() {
            return;
        }
        let receiver = &call.receiver;
        let value = &to_string.receiver;
        *node = syn::parse_quote! {
            #rt::httpmock_support::httpmock_query(#receiver, #name, &#value)
        };
    }
}

/// progenitor hands a helper's `value` to httpmock's `json_body_obj(&T)` as
/// it is, which compiles only when `value` is a reference. An answer that is
/// `nullable` at the top level takes `value: Option<&T>`, a number or a
/// boolean takes it by value (`f64`, `bool`): for those, `&value`
/// (`Option<&T>` serializes as the value or `null`, as the API sends it).
struct OwnedBodies;

impl VisitMut for OwnedBodies {
    fn visit_impl_item_fn_mut(&mut self, node: &mut syn::ImplItemFn) {
        let owned = node.sig.inputs.iter().any(|input| {
            let syn::FnArg::Typed(arg) = input else {
                return false;
            };
            matches!(&*arg.pat, syn::Pat::Ident(p) if p.ident == "value")
                && !matches!(&*arg.ty, syn::Type::Reference(_))
        });
        if owned {
            BorrowBody.visit_block_mut(&mut node.block);
        }
    }
}

/// `json_body_obj(value)` → `json_body_obj(&value)`.
struct BorrowBody;

impl VisitMut for BorrowBody {
    fn visit_expr_method_call_mut(&mut self, node: &mut syn::ExprMethodCall) {
        visit_mut::visit_expr_method_call_mut(self, node);
        if node.method == "json_body_obj"
            && let Some(arg) = node.args.first_mut()
            && matches!(arg, syn::Expr::Path(p) if p.path.is_ident("value"))
        {
            *arg = syn::parse_quote!(&value);
        }
    }
}
