#!/usr/bin/env python3
"""A standalone fake of 참가격 (ProductPriceInfoService) for the sync benchmark.

Serves one full survey day the way tests/src/feed_fake.rs's survey_any_day
does: STORES stores (getStoreInfoSvc), PRODUCTS products (getProductInfoSvc)
and, for any store and day asked, one price per product
(getProductPriceInfoSvc, goodInspectDay echoed). Answers are built once per
store and kept, so the fake costs little next to the sync it feeds.

usage: fake_price_feed.py PORT STORES PRODUCTS
"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORT, STORES, PRODUCTS = (int(a) for a in sys.argv[1:4])


def envelope(items):
    return (
        '<?xml version="1.0" encoding="UTF-8"?><response><header><resultCode>00</resultCode>'
        "<resultMsg>NORMAL SERVICE.</resultMsg></header><body><items>"
        + items
        + "</items></body></response>"
    ).encode()


STORE_LIST = envelope(
    "".join(
        f"<item><entpId>{i}</entpId><entpName>롯데마트 {i}호점</entpName>"
        f"<entpTypeCode>LM</entpTypeCode><roadAddrBasic>서울 {i}</roadAddrBasic>"
        f"<xMapCoord>{37.4 + (i % 100) / 1000:.4f}</xMapCoord>"
        f"<yMapCoord>{126.9 + (i // 100) / 100:.4f}</yMapCoord></item>"
        for i in range(1, STORES + 1)
    )
)
PRODUCT_LIST = envelope(
    "".join(
        f"<item><goodId>{g}</goodId><goodName>상품 {g} 1L</goodName>"
        "<goodTotalCnt>1000</goodTotalCnt><goodTotalDivCode>ML</goodTotalDivCode>"
        "<goodBaseCnt>100</goodBaseCnt><goodUnitDivCode>ML</goodUnitDivCode></item>"
        for g in range(1, PRODUCTS + 1)
    )
)
SEEN = {"calls": 0}


def prices(entp, day):
    return envelope(
        "".join(
            f"<item><goodInspectDay>{day}</goodInspectDay><entpId>{entp}</entpId>"
            f"<goodId>{g}</goodId><goodPrice>{1000 + (g * 37 + len(entp) * 11) % 9000}</goodPrice>"
            "<goodDcYn>N</goodDcYn><plusoneYn>N</plusoneYn></item>"
            for g in range(1, PRODUCTS + 1)
        )
    )


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        op = url.path.rsplit("/", 1)[-1]
        if op != "calls":
            SEEN["calls"] += 1
        if op == "getStoreInfoSvc":
            body = STORE_LIST
        elif op == "getProductInfoSvc":
            body = PRODUCT_LIST
        elif op == "getProductPriceInfoSvc":
            body = prices(q.get("entpId", ""), q.get("goodInspectDay", ""))
        elif op == "calls":
            body = str(SEEN["calls"]).encode()
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
