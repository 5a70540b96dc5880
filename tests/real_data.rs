//! Calls that real data used to break, made through the typed facade with
//! strict decoding (so that the types themselves must fit, not the safety
//! net): each answer is a vendor documentation example, changed to the
//! shape the live API sends, and each request is checked as the server
//! receives it.

use crate::support::*;
use onlyfans_clients::{Id, onlyfansapi};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn example(operation: &str) -> Value {
    let file = crate::support::repo_root()
        .join("tests/data/examples/onlyfansapi")
        .join(format!("{operation}.json"));
    serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap()
}

async fn serving(verb: &str, at: &str, body: Value) -> (MockServer, onlyfansapi::Client) {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let client = onlyfansapi::Client::builder()
        .api_key(ONLYFANSAPI_KEY)
        .base_url(server.uri())
        .strict_decoding(true)
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn a_subscription_price_with_cents() {
    let mut body = example("getCurrentAccount");
    body["data"]["subscribePrice"] = json!(9.99);
    let (_server, api) = serving("GET", "/api/acct_1/me", body).await;
    let me = api.account("acct_1").me().get().send().await.unwrap();
    assert_eq!(me.data.as_ref().unwrap().subscribe_price, Some(9.99));
}

#[tokio::test]
async fn vault_photos_with_thumbnails() {
    let mut body = example("listVaultMedia");
    let file = json!({"url": "https://cdn2.onlyfans.com/thumb.jpg", "width": 300, "height": 300, "size": 1200});
    let files = &mut body["data"]["list"][0]["files"];
    files["thumb"] = file.clone();
    files["preview"] = file.clone();
    files["squarePreview"] = file;
    let (_server, api) = serving("GET", "/api/acct_1/media/vault", body).await;
    let page = api
        .account("acct_1")
        .media()
        .vault()
        .list()
        .send()
        .await
        .unwrap();
    let media = &page.data.as_ref().unwrap().list[0];
    let files = media.files.as_ref().unwrap();
    let thumb = serde_json::to_value(files.thumb.as_ref().unwrap()).unwrap();
    assert_eq!(thumb["url"], "https://cdn2.onlyfans.com/thumb.jpg");
    assert!(files.preview.is_some() && files.square_preview.is_some());
}

#[tokio::test]
async fn label_ids_that_are_names_or_numbers() {
    let body = example("listLabels");
    let (_server, api) = serving("GET", "/api/acct_1/posts/labels", body).await;
    let page = api
        .account("acct_1")
        .posts()
        .labels()
        .list()
        .send()
        .await
        .unwrap();
    let ids: Vec<&Id> = page
        .data
        .as_ref()
        .unwrap()
        .list
        .iter()
        .map(|label| label.id.as_ref().unwrap())
        .collect();
    assert_eq!(ids[0], &Id::Text("archived".into()));
    assert_eq!(ids[2], &Id::Number(123));
    assert!(*ids[2] == "123");
}

#[tokio::test]
async fn user_details_keyed_by_user_id_keep_every_user() {
    let mut body = example("massListUserDetails");
    let first = body["data"]["1000000"].clone();
    body["data"]["2000000"] = first;
    let (_server, api) = serving("GET", "/api/acct_1/users/list", body).await;
    let users = api
        .account("acct_1")
        .users()
        .list()
        .ids("1000000,2000000")
        .send()
        .await
        .unwrap();
    let data = serde_json::to_value(&users.data).unwrap();
    let mut keys: Vec<&String> = data.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["1000000", "2000000"]);
}

#[tokio::test]
async fn a_list_s_sort_order_as_a_map_or_an_empty_list() {
    let body = example("listUserLists");
    let (_server, api) = serving("GET", "/api/acct_1/user-lists", body).await;
    let lists = api
        .account("acct_1")
        .user_lists()
        .list()
        .send()
        .await
        .unwrap();
    let lists = &lists.data;
    assert_eq!(lists[0].sort_list, Some(json!([])));
    assert_eq!(
        lists[1].sort_list.as_ref().unwrap()["expired"]["direction"],
        "desc"
    );
}

#[tokio::test]
async fn a_paid_message_with_cents_and_release_form_tags() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/acct_1/chats/42/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(example("sendMessage")))
        .mount(&server)
        .await;
    let api = onlyfansapi_client(&server.uri());
    api.account("acct_1")
        .chats()
        .messages()
        .send("42")
        .text("For you")
        .price(9.99)
        .rf_tag([111u64, 222])
        .send()
        .await
        .unwrap();
    let sent: Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(sent["price"], json!(9.99));
    assert_eq!(sent["rfTag"], json!([111, 222]));
}

#[tokio::test]
async fn chat_messages_in_a_documented_order() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/acct_1/chats/42/messages"))
        .and(wiremock::matchers::query_param("order", "asc"))
        .and(wiremock::matchers::query_param("skip_users", "all"))
        .respond_with(ResponseTemplate::new(200).set_body_json(onlyfansapi_page(&[1], None)))
        .mount(&server)
        .await;
    let api = onlyfansapi_client(&server.uri());
    let page = api
        .account("acct_1")
        .chats()
        .messages()
        .list("42")
        .order(onlyfansapi::types::ListChatMessagesOrder::Asc)
        .skip_users("all")
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    let refused = api
        .account("acct_1")
        .chats()
        .messages()
        .list("42")
        .order("newest")
        .send()
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("order"), "{refused}");
}

#[tokio::test]
async fn dates_are_chrono_values_on_the_wire_and_in_answers() {
    use onlyfans_clients::chrono::{DateTime, NaiveDate, Utc};

    // A message's time, as the API writes it (`+00:00`), is an instant.
    let (_server, api) = serving(
        "GET",
        "/api/acct_1/chats/42/messages",
        example("listChatMessages"),
    )
    .await;
    let page = api
        .account("acct_1")
        .chats()
        .messages()
        .list("42")
        .send()
        .await
        .unwrap();
    let sent_at: DateTime<Utc> = page.data[0].created_at.unwrap();
    assert_eq!(sent_at.to_rfc3339(), "2025-09-02T21:02:18+00:00");

    // A forecast's points are days; the model's start date is the API's own
    // text (no zone), kept as received.
    let (_server, api) = serving(
        "POST",
        "/api/analytics/financial/forecast",
        example("getRevenueForecast"),
    )
    .await;
    let forecast = api
        .analytics()
        .financial()
        .get_forecast()
        .account_ids(["acct_1".to_owned()])
        .forecast_days(30)
        .historical_days(90)
        .metric("revenue")
        .model("linear_regression")
        .send()
        .await
        .unwrap();
    let day = forecast.historical[0].date.unwrap();
    assert_eq!(day, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
    let (_server, api) = serving(
        "GET",
        "/api/acct_1/me/model-start-date",
        example("getModelStartDate"),
    )
    .await;
    let start = api
        .account("acct_1")
        .me()
        .get_model_start_date()
        .send()
        .await
        .unwrap();
    let text = start.data.as_ref().unwrap().start_date.as_deref();
    assert_eq!(text, Some("2025-01-01 01:01:01"));
}

#[tokio::test]
async fn date_filters_are_sent_as_rfc_3339() {
    use onlyfans_clients::chrono::{NaiveDate, TimeZone, Utc};

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/access/earnings/chart"))
        .and(wiremock::matchers::query_param(
            "startDate",
            "2025-01-01T00:00:00Z",
        ))
        .and(wiremock::matchers::query_param(
            "endDate",
            "2025-01-31T23:59:59Z",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"chart": [], "total": 0})))
        .mount(&server)
        .await;
    let api = ofauth_client(&server.uri());
    let start = NaiveDate::from_ymd_opt(2025, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    api.earnings()
        .get_chart()
        .start_date(start)
        .end_date(Utc.with_ymd_and_hms(2025, 1, 31, 23, 59, 59).unwrap())
        .send()
        .await
        .unwrap();

    // A credit report's range is days.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/usage/credits"))
        .and(wiremock::matchers::query_param("from", "2026-07-09"))
        .respond_with(ResponseTemplate::new(200).set_body_json(example("getCreditUsage")))
        .mount(&server)
        .await;
    onlyfansapi_client(&server.uri())
        .usage()
        .get_credits()
        .from(NaiveDate::from_ymd_opt(2026, 7, 9).unwrap())
        .send()
        .await
        .unwrap();
}
