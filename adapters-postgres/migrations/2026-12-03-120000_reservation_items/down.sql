DROP TABLE reservation_items;
