DROP TABLE mall_terms;
