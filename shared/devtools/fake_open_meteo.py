"""A fake Open-Meteo (geocoding + forecast) serving deterministic SYNTHETIC data, for tests and the demo.

    python -m autoglm.shared.devtools.fake_open_meteo --port 8765

serves ``/v1/search?name=`` and ``/v1/forecast?...`` on 127.0.0.1. Every forecast carries
``"source": "synthetic demo data"``: the numbers are derived from a hash of city and date, not weather.
Point ``tools.weather.geocoding_base_url`` and ``forecast_base_url`` at ``http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

SOURCE = "synthetic demo data"
CITIES: list[dict[str, Any]] = [
    {
        "name": "北京",
        "aliases": ["beijing", "北京市", "peking"],
        "latitude": 39.9075,
        "longitude": 116.39723,
        "country": "中国",
        "country_code": "CN",
        "timezone": "Asia/Shanghai",
        "base": 6,
    },
    {
        "name": "上海",
        "aliases": ["shanghai", "上海市"],
        "latitude": 31.22222,
        "longitude": 121.45806,
        "country": "中国",
        "country_code": "CN",
        "timezone": "Asia/Shanghai",
        "base": 13,
    },
    {
        "name": "广州",
        "aliases": ["guangzhou", "广州市"],
        "latitude": 23.11667,
        "longitude": 113.25,
        "country": "中国",
        "country_code": "CN",
        "timezone": "Asia/Shanghai",
        "base": 21,
    },
    {
        "name": "深圳",
        "aliases": ["shenzhen", "深圳市"],
        "latitude": 22.54554,
        "longitude": 114.0683,
        "country": "中国",
        "country_code": "CN",
        "timezone": "Asia/Shanghai",
        "base": 22,
    },
    {
        "name": "杭州",
        "aliases": ["hangzhou", "杭州市"],
        "latitude": 30.29365,
        "longitude": 120.16142,
        "country": "中国",
        "country_code": "CN",
        "timezone": "Asia/Shanghai",
        "base": 12,
    },
    {
        "name": "成都",
        "aliases": ["chengdu", "成都市"],
        "latitude": 30.66667,
        "longitude": 104.06667,
        "country": "中国",
        "country_code": "CN",
        "timezone": "Asia/Shanghai",
        "base": 12,
    },
    {
        "name": "武汉",
        "aliases": ["wuhan", "武汉市"],
        "latitude": 30.58333,
        "longitude": 114.26667,
        "country": "中国",
        "country_code": "CN",
        "timezone": "Asia/Shanghai",
        "base": 11,
    },
    {
        "name": "南京",
        "aliases": ["nanjing", "南京市"],
        "latitude": 32.06167,
        "longitude": 118.77778,
        "country": "中国",
        "country_code": "CN",
        "timezone": "Asia/Shanghai",
        "base": 10,
    },
    {
        "name": "西安",
        "aliases": ["xi'an", "xian", "西安市"],
        "latitude": 34.25833,
        "longitude": 108.92861,
        "country": "中国",
        "country_code": "CN",
        "timezone": "Asia/Shanghai",
        "base": 8,
    },
    {
        "name": "London",
        "aliases": ["伦敦"],
        "latitude": 51.50853,
        "longitude": -0.12574,
        "country": "United Kingdom",
        "country_code": "GB",
        "timezone": "Europe/London",
        "base": 8,
    },
    {
        "name": "New York",
        "aliases": ["纽约"],
        "latitude": 40.71427,
        "longitude": -74.00597,
        "country": "United States",
        "country_code": "US",
        "timezone": "America/New_York",
        "base": 7,
    },
    {
        "name": "Tokyo",
        "aliases": ["东京"],
        "latitude": 35.6895,
        "longitude": 139.69171,
        "country": "Japan",
        "country_code": "JP",
        "timezone": "Asia/Tokyo",
        "base": 12,
    },
]
CODES = [0, 1, 2, 3, 45, 61, 63, 71, 80, 95]


def find_city(name: str) -> dict[str, Any] | None:
    key = name.strip().lower()
    for city in CITIES:
        if key == city["name"].lower() or key in city["aliases"]:
            return city
    return None


def _unit(seed: str) -> float:
    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big") / 2**64


def daily_for(lat: float, lon: float, day: date) -> dict[str, Any]:
    """One day of synthetic weather, a pure function of place and date."""
    city = min(CITIES, key=lambda c: abs(c["latitude"] - lat) + abs(c["longitude"] - lon))
    seed = f"{lat:.2f},{lon:.2f},{day.isoformat()}"
    high = round(city["base"] + 3 + 8 * _unit(seed + "hi"), 1)
    low = round(high - 4 - 6 * _unit(seed + "lo"), 1)
    code = CODES[int(_unit(seed + "code") * len(CODES))]
    if code == 71 and low > 1:  # no snow on a mild day: keep the synthetic data plausible
        code = 61
    wet = code >= 51
    return {
        "time": day.isoformat(),
        "weather_code": code,
        "temperature_2m_max": high,
        "temperature_2m_min": low,
        "precipitation_sum": round(20 * _unit(seed + "mm"), 1) if wet else 0.0,
        "precipitation_probability_max": int(50 + 50 * _unit(seed + "p"))
        if wet
        else int(20 * _unit(seed + "p")),
        "wind_speed_10m_max": round(5 + 25 * _unit(seed + "wind"), 1),
    }


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/v1/search":
            city = find_city(q.get("name", ""))
            if city is None:
                self._send(200, {"generationtime_ms": 0.1})
                return
            result = {k: v for k, v in city.items() if k not in ("aliases", "base")} | {
                "id": CITIES.index(city) + 1
            }
            self._send(200, {"results": [result], "generationtime_ms": 0.1, "source": SOURCE})
        elif url.path == "/v1/forecast":
            try:
                lat, lon = float(q["latitude"]), float(q["longitude"])
                start = date.fromisoformat(q["start_date"])
                end = date.fromisoformat(q.get("end_date", q["start_date"]))
            except (KeyError, ValueError) as exc:
                self._send(400, {"error": True, "reason": f"bad parameters: {exc}"})
                return
            if end < start or (end - start).days > 15:
                self._send(400, {"error": True, "reason": "date range must be 1..16 days"})
                return
            rows = [daily_for(lat, lon, start + timedelta(days=i)) for i in range((end - start).days + 1)]
            wanted = [k for k in q.get("daily", "").split(",") if k] or list(rows[0].keys())[1:]
            daily: dict[str, list[Any]] = {"time": [r["time"] for r in rows]}
            for key in wanted:
                daily[key] = [r.get(key) for r in rows]
            units = {
                "time": "iso8601",
                "weather_code": "wmo code",
                "temperature_2m_max": "°C",
                "temperature_2m_min": "°C",
                "precipitation_sum": "mm",
                "precipitation_probability_max": "%",
                "wind_speed_10m_max": "km/h",
            }
            self._send(
                200,
                {
                    "latitude": lat,
                    "longitude": lon,
                    "timezone": q.get("timezone", "GMT"),
                    "daily_units": {k: units.get(k, "") for k in daily},
                    "daily": daily,
                    "source": SOURCE,
                },
            )
        else:
            self._send(404, {"error": True, "reason": "not found"})


@contextmanager
def serve(port: int = 0) -> Iterator[str]:
    """Run the fake on 127.0.0.1 in a background thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"fake Open-Meteo (synthetic data) on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
