import { Type, type Static } from 'typebox';
import { NamedRef, StrictObject } from './common.ts';
import { LIMITS } from './limits.ts';

export const Cluster = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  county: NamedRef,
  town: Type.String(),
  lat: Type.Number(),
  lng: Type.Number(),
  summary: Type.String({ description: 'one line, in Swedish' }),
  summaryEn: Type.String({ description: "one line, in English; '' when none was written" }),
  description: Type.String({ description: 'Markdown' }),
  website: Type.Union([Type.String(), Type.Null()]),
  contactEmail: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String(),
});
export type Cluster = Static<typeof Cluster>;

export const ClusterDetail = Type.Intersect([
  Cluster,
  Type.Object({ descriptionHtml: Type.String({ description: 'the description rendered and sanitised' }), canEdit: Type.Boolean() }),
]);
export type ClusterDetail = Static<typeof ClusterDetail>;

export const ClusterList = Type.Array(Cluster);

export const ClusterPatch = StrictObject({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })),
  town: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.name })),
  summary: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.clusterSummary })),
  summaryEn: Type.Optional(Type.String({ maxLength: LIMITS.clusterSummary })),
  description: Type.Optional(Type.String({ maxLength: LIMITS.clusterDescription })),
  website: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.clusterWebsite }), Type.Null()])),
  contactEmail: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.email }), Type.Null()])),
});
export type ClusterPatch = Static<typeof ClusterPatch>;

export const County = Type.Object({ slug: Type.String(), name: Type.String(), clusters: Type.Array(NamedRef) });
export type County = Static<typeof County>;
export const CountyList = Type.Array(County);

export const Theme = Type.Object({ slug: Type.String(), nameSv: Type.String(), nameEn: Type.String() });
export type Theme = Static<typeof Theme>;
export const ThemeList = Type.Array(Theme);
