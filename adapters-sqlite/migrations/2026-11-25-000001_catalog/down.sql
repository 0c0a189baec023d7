DROP TABLE offers;
DROP TABLE products;
DROP TABLE stores;
