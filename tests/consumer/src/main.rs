//! What a user's binary writes: a client per enabled API, a first page, a
//! stream, and (with `mock`) the testing kit. Built, not run, by `.ci/run`.

#[cfg(feature = "ofauth-messages")]
async fn ofauth_chats() -> Result<usize, onlyfans_clients::Error> {
    use futures_util::TryStreamExt;
    let of = onlyfans_clients::ofauth::Client::from_env()?;
    let first = of.messages().list_chats().limit(10).send().await?;
    let all: Vec<_> = of.messages().list_chats().stream().try_collect().await?;
    Ok(first.list.len() + all.len())
}

#[cfg(feature = "onlyfansapi-chats")]
async fn onlyfansapi_messages() -> Result<usize, onlyfans_clients::Error> {
    let api = onlyfans_clients::onlyfansapi::Client::from_env()?;
    let page = api.account("acct_1").chats().messages().list("42").limit(10).send().await?;
    Ok(page.data.len())
}

#[cfg(feature = "mock")]
async fn mock_server() -> Result<(), Box<dyn std::error::Error>> {
    let server = onlyfans_clients::mock::MockServer::builder().start().await?;
    drop(server);
    Ok(())
}

#[cfg(all(feature = "redis", feature = "ofauth-messages"))]
async fn shared_budget() -> Result<(), Box<dyn std::error::Error>> {
    let store = onlyfans_clients::RedisStore::connect("redis://127.0.0.1:6379").await?;
    let of = onlyfans_clients::ofauth::Client::builder()
        .api_key("key")
        .rate_limit(onlyfans_clients::RateLimit::per_minute(60))
        .rate_limit_store(store)
        .build()?;
    drop(of);
    Ok(())
}

fn main() {
    // Referenced so that every enabled function is type-checked and linked.
    #[cfg(feature = "ofauth-messages")]
    drop(ofauth_chats());
    #[cfg(feature = "onlyfansapi-chats")]
    drop(onlyfansapi_messages());
    #[cfg(feature = "mock")]
    drop(mock_server());
    #[cfg(all(feature = "redis", feature = "ofauth-messages"))]
    drop(shared_budget());
    println!("onlyfans-clients {}", env!("CARGO_PKG_VERSION"));
}
