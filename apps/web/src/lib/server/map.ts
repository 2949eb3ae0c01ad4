import { geoPath, geoTransverseMercator } from 'd3-geo';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-50m.json';

/** ISO 3166-1 numeric code of Sweden, the id world-atlas gives the country. */
const SWEDEN = '752';
export const MAP_WIDTH = 300;
export const MAP_HEIGHT = 640;

export interface MapPoint {
  slug: string;
  name: string;
  x: number;
  y: number;
}

export interface SwedenMap {
  width: number;
  height: number;
  outline: string;
  project(lng: number, lat: number): [number, number];
}

let cached: SwedenMap | undefined;

/**
 * Sweden's outline from Natural Earth (world-atlas), drawn once per process as an SVG path
 * in a transverse Mercator centred on 15° E (the meridian of SWEREF 99 TM), so the country
 * is not skewed.
 */
export function swedenMap(): SwedenMap {
  if (cached) return cached;
  const topo = countries as unknown as Topology<{ countries: GeometryCollection }>;
  const all = feature(topo, topo.objects.countries) as unknown as { features: Feature<Polygon | MultiPolygon>[] };
  const sweden = all.features.find((f) => String(f.id) === SWEDEN);
  if (!sweden) throw new Error('world-atlas has no Sweden');
  const projection = geoTransverseMercator()
    .rotate([-15, 0])
    .fitExtent(
      [
        [8, 8],
        [MAP_WIDTH - 8, MAP_HEIGHT - 8],
      ],
      sweden,
    );
  const path = geoPath(projection);
  const outline = (path(sweden) ?? '').replace(/(\d+\.\d{1})\d+/g, '$1');
  cached = {
    width: MAP_WIDTH,
    height: MAP_HEIGHT,
    outline,
    project: (lng, lat) => {
      const [x, y] = projection([lng, lat]) ?? [0, 0];
      return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
    },
  };
  return cached;
}

export function clusterPoints(clusters: { slug: string; name: string; lat: number; lng: number }[]): MapPoint[] {
  const map = swedenMap();
  return clusters.map((c) => {
    const [x, y] = map.project(c.lng, c.lat);
    return { slug: c.slug, name: c.name, x, y };
  });
}
