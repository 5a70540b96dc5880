//! Decoding either API's response from arbitrary bytes: `Ok` or
//! `Error::Decode`, never a panic or another error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onlyfans_clients::{Error, ofauth, onlyfansapi};

fuzz_target!(|body: &[u8]| {
    match onlyfans_clients::decode::<ofauth::raw::types::ChatsListResponse>(body) {
        Ok(_) | Err(Error::Decode { .. }) => {}
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
    match onlyfans_clients::decode::<onlyfansapi::raw::types::ListChatMessagesResponse>(body) {
        Ok(_) | Err(Error::Decode { .. }) => {}
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
});
