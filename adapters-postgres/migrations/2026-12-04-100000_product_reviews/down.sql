DROP TABLE product_reviews;
