// Picking a point on a map (Leaflet + OpenStreetMap raster tiles). Loaded lazily
// (React.lazy in Location.tsx), so Leaflet never weighs on the first load.
// Tile URL: VITE_TILE_URL at build time, else OSM's {a,b,c}.tile.openstreetmap.org.

import { useEffect, useRef } from 'react';
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';

export const TILE_URL: string =
  (import.meta.env.VITE_TILE_URL as string | undefined) ?? 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png';
const ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';

export interface Point {
  lat: number;
  lng: number;
}

export default function MapPicker({ value, onPick, label }: { value: Point; onPick: (p: Point) => void; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const marker = useRef<L.CircleMarker | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    if (!el.current) return;
    const m = L.map(el.current, { center: [value.lat, value.lng], zoom: 15 });
    L.tileLayer(TILE_URL, { attribution: ATTRIBUTION, maxZoom: 19, subdomains: 'abc' }).addTo(m);
    // a vector marker: no marker images to fetch (and none for the CSP to allow)
    marker.current = L.circleMarker([value.lat, value.lng], { radius: 10, color: '#0f5c32', fillColor: '#177a42', fillOpacity: 0.9 }).addTo(m);
    m.on('click', (e: L.LeafletMouseEvent) => {
      marker.current?.setLatLng(e.latlng);
      pick.current({ lat: Number(e.latlng.lat.toFixed(6)), lng: Number(e.latlng.lng.toFixed(6)) });
    });
    map.current = m;
    return () => {
      m.remove();
      map.current = null;
    };
    // the map is made once; later value changes move the marker below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    marker.current?.setLatLng([value.lat, value.lng]);
    map.current?.panTo([value.lat, value.lng]);
  }, [value.lat, value.lng]);

  return <div ref={el} className="map-picker" role="application" aria-label={label} data-testid="map-picker" />;
}
