DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE profiles;
DROP TABLE preferences;
DROP TABLE basket_items;
DROP TABLE baskets;
