//! The routes of the shopper's own data, mounted under `/api/v1`.

use actix_web::web;

use super::{account, basket, chat, orders, preferences, profile};
use crate::resource;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/basket")
            .route(web::get().to(basket::get))
            .route(web::put().to(basket::put)),
    )
    .service(resource("/basket/items").route(web::post().to(basket::add_item)))
    .service(
        resource("/basket/items/{id}")
            .route(web::patch().to(basket::patch_item))
            .route(web::delete().to(basket::delete_item)),
    )
    .service(
        resource("/preferences")
            .route(web::get().to(preferences::get))
            .route(web::put().to(preferences::put)),
    )
    .service(resource("/users/me").route(web::delete().to(account::delete_account)))
    .service(resource("/users/me/password").route(web::post().to(account::change_password)))
    .service(resource("/users/me/export").route(web::get().to(account::export)))
    .service(
        resource("/users/me/profile")
            .route(web::get().to(profile::get))
            .route(web::put().to(profile::put)),
    )
    .service(
        resource("/users/me/orders")
            .route(web::get().to(orders::list))
            .route(web::post().to(orders::create)),
    )
    .service(
        resource("/users/me/orders/{id}")
            .route(web::get().to(orders::get))
            .route(web::patch().to(orders::patch)),
    )
    .service(resource("/chat").route(web::post().to(chat::send)))
    .service(resource("/chat/turns/{id}/undo").route(web::post().to(chat::undo)))
    .service(
        resource("/chat/history")
            .route(web::get().to(chat::history))
            .route(web::delete().to(chat::clear)),
    );
}
