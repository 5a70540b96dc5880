//! Decoding either API's response from arbitrary bytes: `Ok` or
//! `Error::Decode`, never a panic or another error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use onlyfans_clients::{Error, ofauth, onlyfansapi};

fuzz_target!(|body: &[u8]| {
    match ofauth::ChatsPage::from_slice(body) {
        Ok(_) | Err(Error::Decode { .. }) => {}
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
    match onlyfansapi::MessagesPage::from_slice(body) {
        Ok(_) | Err(Error::Decode { .. }) => {}
        Err(other) => panic!("unexpected error kind: {other:?}"),
    }
});
