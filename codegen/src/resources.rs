//! The resource handles: how a caller reaches each operation's request
//! builder (`api.account("acct_1").chats().messages().send(chat_id)`), one
//! struct per resource of the [`naming`](crate::naming) tree, emitted from
//! the operation model.
//!
//! A handle borrows the client's shared core (and, under the account handle,
//! the account id), so it costs nothing to make; the request builder it
//! returns owns what it needs.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::Error;
use crate::facade::Kind;
use crate::model::{Location, Operation};

/// One resource: its child resources and its operations.
#[derive(Default)]
struct Node<'a> {
    children: std::collections::BTreeSet<String>,
    operations: Vec<&'a Operation>,
}

/// A node of the tree: under the account handle or the client, and its
/// resource path.
type Key = (bool, Vec<String>);

/// The struct of a resource: `ChatsMessages`, or `AccountChatsMessages`
/// under the account handle.
pub(crate) fn struct_name(account: bool, resources: &[String]) -> syn::Ident {
    let mut name = if account {
        "Account".to_owned()
    } else {
        String::new()
    };
    for resource in resources {
        name.push_str(&resource.to_upper_camel_case());
    }
    format_ident!("{}", name)
}

/// How a caller writes the path to a node (`api.account(..).chats()`).
fn shown_path(account: bool, resources: &[String]) -> String {
    let mut out = String::from("client");
    if account {
        out.push_str(".account(id)");
    }
    for resource in resources {
        out.push_str(&format!(".{resource}()"));
    }
    out
}

/// Emits the resource handles of one API. `client_path` is the facade
/// client (`super::Client`), `requests_path` the module of the request
/// builders (`super::requests`).
pub fn emit(
    operations: &[Operation],
    client_path: &str,
    requests_path: &str,
    header: &str,
) -> Result<String, Error> {
    let rt = crate::runtime();
    let path = |text: &str| {
        syn::parse_str::<syn::Path>(text)
            .map_err(|e| Error::Generate(format!("`{text}` is not a path: {e}")))
    };
    let client_path = path(client_path)?;
    let requests_text = requests_path;
    let requests_path = path(requests_path)?;

    let mut nodes: BTreeMap<Key, Node> = BTreeMap::new();
    for op in operations {
        let route = &op.route;
        let account = route.account.is_some();
        for depth in 0..route.resources.len() {
            let parent = (account, route.resources[..depth].to_vec());
            nodes
                .entry(parent)
                .or_default()
                .children
                .insert(route.resources[depth].clone());
        }
        nodes
            .entry((account, route.resources.clone()))
            .or_default()
            .operations
            .push(op);
    }

    let mut items = Vec::new();
    let mut client_methods = Vec::new();
    for ((account, resources), node) in &nodes {
        // Who hands out the children: the client, the account handle, or a
        // resource handle.
        let (lifetime, fields) = match (account, resources.is_empty()) {
            (false, true) => (quote!('_), quote!(core: self.core())),
            (true, true) => (quote!('_), quote!(core: &self.core, account: &self.id)),
            (false, false) => (quote!('a), quote!(core: self.core)),
            (true, false) => (quote!('a), quote!(core: self.core, account: self.account)),
        };
        let children: Vec<TokenStream> = node
            .children
            .iter()
            .map(|child| {
                let mut child_path = resources.clone();
                child_path.push(child.clone());
                let ty = struct_name(*account, &child_path);
                let name = format_ident!("{}", child);
                let doc = format!("The `{child}` operations.");
                quote! {
                    #[doc = #doc]
                    pub fn #name(&self) -> #ty<#lifetime> {
                        #ty { #fields }
                    }
                }
            })
            .collect();
        let mut methods = Vec::new();
        for op in &node.operations {
            methods.push(operation_method(op, &requests_path, requests_text)?);
        }
        match (account, resources.is_empty()) {
            (false, true) => client_methods.extend(children),
            (true, true) => {
                items.push(quote! {
                    /// One connected account: every operation that names an
                    /// account, with the account given once.
                    #[derive(Debug, Clone)]
                    pub struct Account {
                        core: #rt::transport::config::Core,
                        id: ::std::string::String,
                    }

                    impl Account {
                        /// The account id calls are sent for (`acct_…`).
                        pub fn id(&self) -> &str {
                            &self.id
                        }

                        #(#children)*
                    }
                });
                client_methods.push(quote! {
                    /// The operations of one connected account (`acct_…`),
                    /// the account given once for all of them.
                    pub fn account(&self, id: impl ::std::convert::Into<::std::string::String>) -> Account {
                        Account { core: self.core().clone(), id: id.into() }
                    }
                });
            }
            _ => {
                let ty = struct_name(*account, resources);
                let doc = format!(
                    "The `{}` resource: `{}`.",
                    resources.join("."),
                    shown_path(*account, resources)
                );
                let fields = if *account {
                    quote!(core: &'a #rt::transport::config::Core, account: &'a str,)
                } else {
                    quote!(core: &'a #rt::transport::config::Core,)
                };
                items.push(quote! {
                    #[doc = #doc]
                    #[derive(Debug, Clone, Copy)]
                    pub struct #ty<'a> {
                        #fields
                    }

                    impl<'a> #ty<'a> {
                        #(#children)*
                        #(#methods)*
                    }
                });
            }
        }
    }
    let tokens = quote! {
        impl #client_path {
            #(#client_methods)*
        }

        #(#items)*
    };
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::Generate(format!("generated resources do not parse: {e}")))?;
    crate::generate::inline_methods(&mut file);
    Ok(format!("{header}{}", prettyplease::unparse(&file)))
}

/// The method of a resource handle returning an operation's request builder.
fn operation_method(
    op: &Operation,
    requests_path: &syn::Path,
    requests_text: &str,
) -> Result<TokenStream, Error> {
    let name = format_ident!("{}", op.route.method);
    let builder = format_ident!("{}Request", op.name.to_upper_camel_case());
    let mut args = Vec::new();
    let mut values = Vec::new();
    for param in op.params.iter().filter(|p| p.location == Location::Path) {
        if op.route.account.as_deref() == Some(param.wire.as_str()) {
            values.push(quote!(self.account));
            continue;
        }
        let ident = format_ident!("{}", param.ident);
        let ty = Kind::of(&param.ty)?.path_argument();
        args.push(quote!(#ident: #ty));
        values.push(quote!(#ident));
    }
    let summary = op.doc.lines().next().unwrap_or_default().trim();
    let doc = format!(
        "{}\n\n`{} {}`: returns the request; set its parameters, then \
         [`send`]({requests_text}::{builder}::send) it.",
        if summary.is_empty() {
            &op.name
        } else {
            summary
        },
        op.method,
        op.path,
    );
    Ok(quote! {
        #[doc = #doc]
        pub fn #name(&self, #(#args),*) -> #requests_path::#builder {
            #requests_path::#builder::new(self.core.clone(), #(#values),*)
        }
    })
}
