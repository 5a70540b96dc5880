//! Generates the OFAuth client from `specs/ofauth/` into `OUT_DIR`: the
//! generator (`onlyfans-codegen`) decides what from this crate's features.

fn main() {
    onlyfans_codegen::build_script::generate(onlyfans_codegen::apis::OFAUTH);
}
