"""weather: daily forecast for a city from an Open-Meteo-compatible API (geocoding + forecast)."""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, Field

from ..config import WeatherConfig
from ..context import ToolContext, ToolError
from ..plugin import ToolDefinition, definition_from_function
from .http_fetch import read_capped

DAILY = [
    "weather_code",
    "temperature_2m_max",
    "temperature_2m_min",
    "precipitation_sum",
    "precipitation_probability_max",
    "wind_speed_10m_max",
]
# WMO weather interpretation codes, as Open-Meteo documents them.
WMO = {
    0: ("clear sky", "晴"),
    1: ("mainly clear", "晴间多云"),
    2: ("partly cloudy", "多云"),
    3: ("overcast", "阴"),
    45: ("fog", "雾"),
    48: ("rime fog", "冻雾"),
    51: ("light drizzle", "小毛毛雨"),
    53: ("drizzle", "毛毛雨"),
    55: ("dense drizzle", "大毛毛雨"),
    56: ("freezing drizzle", "冻毛毛雨"),
    57: ("dense freezing drizzle", "强冻毛毛雨"),
    61: ("light rain", "小雨"),
    63: ("rain", "中雨"),
    65: ("heavy rain", "大雨"),
    66: ("freezing rain", "冻雨"),
    67: ("heavy freezing rain", "强冻雨"),
    71: ("light snow", "小雪"),
    73: ("snow", "中雪"),
    75: ("heavy snow", "大雪"),
    77: ("snow grains", "米雪"),
    80: ("light showers", "小阵雨"),
    81: ("showers", "阵雨"),
    82: ("violent showers", "强阵雨"),
    85: ("snow showers", "阵雪"),
    86: ("heavy snow showers", "强阵雪"),
    95: ("thunderstorm", "雷暴"),
    96: ("thunderstorm with hail", "雷暴伴冰雹"),
    99: ("thunderstorm with heavy hail", "强雷暴伴冰雹"),
}
RELATIVE_DAYS = {
    "today": 0,
    "今天": 0,
    "今日": 0,
    "tomorrow": 1,
    "明天": 1,
    "明日": 1,
    "后天": 2,
    "day after tomorrow": 2,
    "大后天": 3,
    "yesterday": -1,
    "昨天": -1,
}
MAX_BODY = 512 * 1024


class DailyWeather(BaseModel):
    date: str
    weather_code: int | None
    weather: str | None = Field(description="Condition in English.")
    weather_zh: str | None = Field(description="Condition in Chinese.")
    temperature_max: float | None
    temperature_min: float | None
    precipitation_sum: float | None
    precipitation_probability_max: float | None
    wind_speed_max: float | None


class WeatherResult(BaseModel):
    city: str = Field(description="The city asked for.")
    location: str = Field(description="The place the geocoder matched.")
    country: str | None
    latitude: float
    longitude: float
    timezone: str
    days: list[DailyWeather]
    units: dict[str, str]
    source: str = Field(description="Who produced the data (the fake server says `synthetic demo data`).")

    def tool_text(self) -> str:
        lines = [f"{self.location} ({self.source}):"]
        for d in self.days:
            lines.append(
                f"{d.date}: {d.weather_zh or d.weather or '?'}, {d.temperature_min}~{d.temperature_max}"
                f"{self.units.get('temperature_2m_max', '°C')}, 降水概率 {d.precipitation_probability_max}%"
            )
        return "\n".join(lines)


def resolve_date(text: str, zone: ZoneInfo, now: datetime | None) -> date:
    """An ISO date, or a relative word (today/明天/后天...) against `now` in the city's zone."""
    text = text.strip().lower()
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    if text in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[text])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ToolError(f"date must be YYYY-MM-DD or today/tomorrow/明天/后天, got {text!r}") from None


async def _get_json(client: httpx.AsyncClient, url: str, params: dict[str, Any]) -> dict[str, Any]:
    try:
        async with client.stream("GET", url, params=params) as response:
            body = await read_capped(response, MAX_BODY)
            if response.status_code >= 500:
                raise ToolError(f"weather service answered HTTP {response.status_code}", retryable=True)
            if response.status_code >= 400:
                reason = body[:200].decode(errors="replace")
                raise ToolError(f"weather service answered HTTP {response.status_code}: {reason}")
    except httpx.TransportError as exc:
        raise ToolError(f"weather service unreachable: {type(exc).__name__}", retryable=True) from None
    try:
        data = json.loads(body)
    except ValueError:
        raise ToolError("weather service returned invalid JSON") from None
    if not isinstance(data, dict):
        raise ToolError("weather service returned an unexpected document")
    return data


def make_weather(cfg: WeatherConfig) -> ToolDefinition:
    async def weather(
        city: Annotated[
            str, Field(min_length=1, max_length=100, description="City name.", examples=["北京"])
        ],
        date: Annotated[
            str,
            Field(
                max_length=32, description="YYYY-MM-DD, or today/tomorrow/明天/后天.", examples=["2026-11-26"]
            ),
        ] = "today",
        days: Annotated[int, Field(ge=1, le=16, description="Number of days from `date`.")] = 1,
        ctx: ToolContext | None = None,
    ) -> WeatherResult:
        """Daily weather forecast for a city: condition, min/max temperature, precipitation, wind."""
        timeout = httpx.Timeout(10.0, connect=5.0)
        # The endpoints are the operator's, not the caller's: environment proxies apply here.
        async with httpx.AsyncClient(timeout=timeout) as client:
            geo = await _get_json(
                client,
                cfg.geocoding_base_url.rstrip("/") + "/v1/search",
                {"name": city, "count": 1, "language": cfg.language, "format": "json"},
            )
            results = geo.get("results") or []
            if not results:
                raise ToolError(f"city not found: {city}")
            place = results[0]
            zone_name = place.get("timezone") or "UTC"
            try:
                zone = ZoneInfo(zone_name)
            except Exception:  # noqa: BLE001 - an odd zone from the geocoder falls back to UTC
                zone, zone_name = ZoneInfo("UTC"), "UTC"
            start = resolve_date(date, zone, ctx.now if ctx else None)
            count = min(days, cfg.max_days)
            end = start + timedelta(days=count - 1)
            forecast = await _get_json(
                client,
                cfg.forecast_base_url.rstrip("/") + "/v1/forecast",
                {
                    "latitude": place["latitude"],
                    "longitude": place["longitude"],
                    "daily": ",".join(DAILY),
                    "timezone": zone_name,
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat(),
                },
            )
        if forecast.get("error"):
            raise ToolError(f"weather service: {forecast.get('reason', 'error')}")
        daily = forecast.get("daily") or {}
        times = daily.get("time") or []

        def at(key: str, i: int) -> Any:
            values = daily.get(key) or []
            return values[i] if i < len(values) else None

        out = []
        for i, day in enumerate(times):
            code = at("weather_code", i)
            en, zh = WMO.get(code, (None, None)) if code is not None else (None, None)
            out.append(
                DailyWeather(
                    date=day,
                    weather_code=code,
                    weather=en,
                    weather_zh=zh,
                    temperature_max=at("temperature_2m_max", i),
                    temperature_min=at("temperature_2m_min", i),
                    precipitation_sum=at("precipitation_sum", i),
                    precipitation_probability_max=at("precipitation_probability_max", i),
                    wind_speed_max=at("wind_speed_10m_max", i),
                )
            )
        return WeatherResult(
            city=city,
            location=str(place.get("name", city)),
            country=place.get("country"),
            latitude=float(place["latitude"]),
            longitude=float(place["longitude"]),
            timezone=zone_name,
            days=out,
            units={k: str(v) for k, v in (forecast.get("daily_units") or {}).items()},
            source=str(forecast.get("source", "open-meteo")),
        )

    return definition_from_function(
        weather, title="Weather forecast", read_only=True, idempotent=True, open_world=True, timeout_s=25.0
    )
