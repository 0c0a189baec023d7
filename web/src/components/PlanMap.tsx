// The plan's route on a map: home, numbered stops in route order, the route
// as a line, fitted to bounds. Leaflet lives in this lazily loaded chunk, so
// the plan pages do not pay for it until a map is shown.
//
// Tiles: OpenStreetMap raster tiles by default (with their attribution);
// `VITE_MAP_TILE_URL` / `VITE_MAP_ATTRIBUTION` at build time choose another
// server. When no tile loads, `onUnavailable` fires and the stop list, which
// never depends on the map, carries on alone.

import { useEffect, useRef } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';

export interface MapPoint {
  lat: number;
  lng: number;
}

export interface MapStop extends MapPoint {
  name: string;
}

export const DEFAULT_TILE_URL = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
export const DEFAULT_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

function tileUrl(): string {
  const env = import.meta.env as Record<string, string | undefined>;
  return env.VITE_MAP_TILE_URL || DEFAULT_TILE_URL;
}

function attribution(): string {
  const env = import.meta.env as Record<string, string | undefined>;
  return env.VITE_MAP_ATTRIBUTION || DEFAULT_ATTRIBUTION;
}

function pin(label: string, className: string): L.DivIcon {
  return L.divIcon({
    className: `map-pin ${className}`,
    html: `<span>${label}</span>`,
    iconSize: [30, 30],
    iconAnchor: [15, 15],
  });
}

export default function PlanMap({
  home,
  stops,
  homeLabel,
  onPinClick,
  onUnavailable,
}: {
  home: MapPoint | null;
  stops: MapStop[];
  homeLabel: string;
  onPinClick: (index: number) => void;
  onUnavailable: () => void;
}) {
  const el = useRef<HTMLDivElement | null>(null);
  const clicks = useRef(onPinClick);
  const failed = useRef(onUnavailable);
  clicks.current = onPinClick;
  failed.current = onUnavailable;

  useEffect(() => {
    if (!el.current) return undefined;
    const map = L.map(el.current, { scrollWheelZoom: false, attributionControl: true });
    let loaded = 0;
    let errors = 0;
    const tiles = L.tileLayer(tileUrl(), { attribution: attribution(), maxZoom: 19 });
    tiles.on('tileload', () => {
      loaded += 1;
    });
    tiles.on('tileerror', () => {
      errors += 1;
      // Nothing has loaded and several tiles failed: the tile server is away.
      if (loaded === 0 && errors >= 2) failed.current();
    });
    tiles.addTo(map);

    // The view first: Leaflet creates a marker's element only once the map has one.
    const points: L.LatLngExpression[] = [];
    if (home) points.push([home.lat, home.lng]);
    for (const s of stops) points.push([s.lat, s.lng]);
    if (home && stops.length > 0) points.push([home.lat, home.lng]);
    if (points.length > 1) map.fitBounds(L.latLngBounds(points), { padding: [28, 28] });
    else if (points.length === 1) map.setView(points[0]!, 15);
    else map.setView([37.4985, 127.0292], 13);

    if (points.length > 1) {
      const line = L.polyline(points, { color: '#1f7a4d', weight: 4, opacity: 0.8 }).addTo(map);
      line.getElement()?.setAttribute('data-testid', 'map-route');
    }
    if (home) {
      const m = L.marker([home.lat, home.lng], { icon: pin('⌂', 'map-pin-home'), title: homeLabel, alt: homeLabel, keyboard: false }).addTo(map);
      m.getElement()?.setAttribute('data-testid', 'map-home');
    }
    stops.forEach((s, i) => {
      const label = `${i + 1}. ${s.name}`;
      const m = L.marker([s.lat, s.lng], { icon: pin(String(i + 1), 'map-pin-stop'), title: label, alt: label, zIndexOffset: 1000 - i });
      m.on('click', () => clicks.current(i));
      m.addTo(map);
      const node = m.getElement();
      node?.setAttribute('data-testid', 'map-pin');
      node?.setAttribute('data-order', String(i + 1));
    });
    return () => {
      map.remove();
    };
  }, [home, stops, homeLabel]);

  return <div ref={el} className="plan-map" data-testid="plan-map" />;
}
